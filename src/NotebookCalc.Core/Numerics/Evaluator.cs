using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Semantics;
using NotebookCalc.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Numerics;

/// <summary>Values bound to symbols, and the concrete sizes of the symbolic dimensions they imply.</summary>
public sealed class Bindings
{
    private readonly Dictionary<string, Matrix<double>> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sizes = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Matrix<double>> Values => _values;

    public IReadOnlyDictionary<string, int> Sizes => _sizes;

    public Matrix<double> this[string name] => _values[name];

    public void Set(string name, Matrix<double> value) => _values[name] = value;

    public void SetSize(string dimension, int size) => _sizes[dimension] = size;

    public bool TryGet(string name, out Matrix<double> value) => _values.TryGetValue(name, out value!);

    public Bindings Clone()
    {
        var b = new Bindings();
        foreach (var (k, v) in _values) b._values[k] = v.Clone();
        foreach (var (k, v) in _sizes) b._sizes[k] = v;
        return b;
    }
}

/// <summary>
/// Evaluates an expression on concrete matrices (MathNet.Numerics, dense, double). Scalars are 1×1 matrices.
/// Numerical trouble (a singular matrix, the log of a non-positive determinant, a division by zero) is a diagnostic.
/// </summary>
public static class Evaluator
{
    /// <summary>
    /// Evaluates <paramref name="e"/>; throws <see cref="MatcalcException"/> (spans refer to <paramref name="source"/> as a
    /// whole). A value that is not finite (an overflow: tr of X^999 at a random X, x.^1000000) is a diagnostic (MC3008), so
    /// that no comparison is ever made with ∞ or NaN.
    /// </summary>
    public static Matrix<double> Evaluate(Expr e, Bindings bindings, string source = "")
    {
        var memo = new Dictionary<Expr, Matrix<double>>(ReferenceEqualityComparer.Instance);
        var value = Eval(e, bindings, memo, source, null);
        return IsFinite(value) ? value
            : throw Fail(source, "MC3008", $"The value of {Short(e, "the expression")} is not finite (an overflow) at this instance.",
                "Large powers or exponentials overflow at random values; evaluate at smaller values with --at, or lower the power.");
    }

    /// <summary>
    /// Evaluates with every intermediate result perturbed by a random relative error of size <paramref name="eta"/>
    /// (Monte Carlo arithmetic): how far the result moves, divided by eta, is how much this formula amplifies the rounding
    /// errors of its steps — large for inv(X⁴⁰) X³⁹, small for X⁻¹. The verdicts size their tolerance by it.
    /// </summary>
    public static Matrix<double> EvaluatePerturbed(Expr e, Bindings bindings, double eta, int seed, string source = "")
    {
        var memo = new Dictionary<Expr, Matrix<double>>(ReferenceEqualityComparer.Instance);
        var random = new Random(seed);
        return Eval(e, bindings, memo, source, v => v.Map(x => x * (1 + eta * (2 * random.NextDouble() - 1))));
    }

    public static double EvaluateScalar(Expr e, Bindings bindings, string source = "") => Evaluate(e, bindings, source)[0, 0];

    private static MatcalcException Fail(string source, string id, string message, string hint) =>
        new(source, Diagnostic.Error(id, new TextSpan(0, source.Length), message, hint));

    private static Matrix<double> Eval(Expr e, Bindings b, Dictionary<Expr, Matrix<double>> memo, string source, Func<Matrix<double>, Matrix<double>>? perturb)
    {
        if (memo.TryGetValue(e, out var cached)) return cached;
        var value = Compute(e, b, memo, source, perturb);
        if (perturb is not null && e.Children.Count > 0) value = perturb(value);
        memo[e] = value;
        return value;
    }

    /// <summary>Aᵏ by repeated squaring: about 2 log₂ k products, so A^1000000 costs 40 products, not a million.</summary>
    internal static Matrix<double> MatrixPower(Matrix<double> a, double exponent)
    {
        var k = (long)exponent;
        Matrix<double>? result = null;
        var square = a;
        while (true)
        {
            if ((k & 1) == 1) result = result is null ? square : result * square;
            k >>= 1;
            if (k == 0) break;
            square *= square;
            // Once the powers overflow every further product is ∞ or NaN: stop early.
            if (!IsFinite(square)) { result = square; break; }
        }
        return result ?? Matrix<double>.Build.DenseIdentity(a.RowCount);
    }

    /// <summary>
    /// Σ_{i=0}^{k−1} Aⁱ C A^{k−1−i} by doubling, with S_{m+n} = S_m Aⁿ + Aᵐ S_n: O(log k) products.
    /// </summary>
    internal static Matrix<double> PowerSum(Matrix<double> a, Matrix<double> c, int k)
    {
        // (P, S) = (Aᵐ, S_m), built from the highest bit of k down.
        var p = Matrix<double>.Build.DenseIdentity(a.RowCount);
        var sum = Matrix<double>.Build.Dense(c.RowCount, c.ColumnCount);
        for (var bit = 30; bit >= 0; bit--)
        {
            sum = sum * p + p * sum;   // m → 2m
            p *= p;
            if (((k >> bit) & 1) == 1)
            {
                sum = sum * a + p * c; // m → m + 1
                p *= a;
            }
            if (!IsFinite(sum) || !IsFinite(p)) return sum;
        }
        return sum;
    }

    private static bool IsFinite(Matrix<double> m) => m.Enumerate().All(double.IsFinite);

    /// <summary>
    /// A power that overflows at this instance is a diagnostic, not a matrix of ∞ passed on to the check; so is one that
    /// underflows to (nearly) 0 although the base is not nilpotent (Aⁿ ≠ 0) — its value would be 0 whatever the formula,
    /// and a claim of 0 for ∂ tr(X^1000000)/∂X would be judged right.
    /// </summary>
    private static Matrix<double> Finite(Matrix<double> m, Expr e, Matrix<double> a, double degree, string source)
    {
        const string hint = "A high power of a random matrix overflows (spectral radius above 1) or underflows to 0 (below 1); evaluate it at values with --at whose spectral radius is near 1 (a rotation, an orthogonal matrix), or check a lower power.";
        if (!IsFinite(m))
            throw Fail(source, "MC3008", $"{Short(e)} overflows (entries beyond ±1.8e308) at this instance.", hint);
        if (degree > a.RowCount && m.FrobeniusNorm() < 1e-290 && MatrixPower(a, a.RowCount).FrobeniusNorm() > 0)
            throw Fail(source, "MC3008", $"{Short(e)} underflows (every entry below 1e-290, though the power is not 0) at this instance.", hint);
        return m;
    }

    private static string TextPrinter(double v) => Rendering.TextPrinter.FormatNumber(v);

    private static string Short(Expr e, string otherwise = "a matrix power") => Rendering.TextPrinter.Print(e) is { Length: <= 60 } t ? t : otherwise;

    private static Matrix<double> S(double v) => Matrix<double>.Build.Dense(1, 1, v);

    private static int Size(Dim d, Bindings b, string source)
    {
        try { return d.Evaluate(b.Sizes); }
        catch (KeyNotFoundException)
        {
            throw Fail(source, "MC3001", $"The dimension {d} has no concrete size.", "Bind a symbol that has this dimension, or pass --dims.");
        }
        catch (OverflowException)
        {
            throw TooLarge(source, $"The dimension {d} is beyond 2,147,483,647 at these sizes.");
        }
    }

    /// <summary>The most entries a value may have (2000 × 2000, the largest --dims): nested Kronecker products at random
    /// sizes (kron of six 5×5 matrices has 2.4·10⁸ entries) would otherwise take minutes and gigabytes.</summary>
    public const long MaxEntries = 4_000_000;

    private static MatcalcException TooLarge(string source, string what) =>
        Fail(source, "MC3016", $"{what} The value is too large to evaluate (the limit is {MaxEntries:N0} entries).",
            "Choose smaller sizes with --dims (a Kronecker product multiplies them), or use fewer nested Kronecker products.");

    private static (int Rows, int Cols) Checked(int rows, int cols, string source) =>
        (long)rows * cols <= MaxEntries ? (rows, cols) : throw TooLarge(source, $"A {rows}×{cols} matrix has {(long)rows * cols:N0} entries.");

    private static (int Rows, int Cols) SizeOf(Shape s, Bindings b, string source) => Checked(Size(s.Rows, b, source), Size(s.Cols, b, source), source);

    private static Matrix<double> Compute(Expr e, Bindings b, Dictionary<Expr, Matrix<double>> memo, string source, Func<Matrix<double>, Matrix<double>>? perturb)
    {
        Matrix<double> V(Expr x) => Eval(x, b, memo, source, perturb);
        var M = Matrix<double>.Build;
        switch (e)
        {
            case Symbol s:
                if (!b.TryGet(s.Name, out var value))
                    throw Fail(source, "MC3001", $"No value was given for {s.Name}.", $"Add \"{s.Name}\" to the values (VALUES.json).");
                return value;
            case Number n: return S(n.Value);
            case Identity i:
            {
                var (rows, _) = SizeOf(i.Shape, b, source);
                return M.DenseIdentity(rows);
            }
            case ZeroMatrix z:
            {
                var (rows, cols) = SizeOf(z.Shape, b, source);
                return M.Dense(rows, cols);
            }
            case Ones o:
            {
                var (rows, cols) = SizeOf(o.Shape, b, source);
                return M.Dense(rows, cols, 1.0);
            }
            case Broadcast br:
            {
                var (rows, cols) = SizeOf(br.Target, b, source);
                return M.Dense(rows, cols, V(br.Value)[0, 0]);
            }
            case Add a:
            {
                var l = V(a.L);
                var r = V(a.R);
                if (l.RowCount == 1 && l.ColumnCount == 1 && (r.RowCount > 1 || r.ColumnCount > 1)) return r.Add(l[0, 0]);
                if (r.RowCount == 1 && r.ColumnCount == 1 && (l.RowCount > 1 || l.ColumnCount > 1)) return l.Add(r[0, 0]);
                return l + r;
            }
            case Neg n: return -V(n.A);
            case MatMul m: return V(m.L) * V(m.R);
            case Scale s: return V(s.A) * V(s.Factor)[0, 0];
            case Divide d:
            {
                var den = V(d.Denominator)[0, 0];
                if (den == 0)
                    throw Fail(source, "MC3003", $"Division by zero: {d.Denominator} is 0 at this instance.", "Choose values where the denominator is non-zero.");
                return V(d.Numerator) / den;
            }
            case Transpose t: return V(t.A).Transpose();
            case Inverse i: return Invert(V(i.A), i.A, source, b);
            case Power p:
            {
                var a = V(p.A);
                if (a.RowCount == 1 && a.ColumnCount == 1)
                {
                    if (p.Exponent != Math.Floor(p.Exponent) && a[0, 0] < 0)
                        throw Fail(source, "MC3004", $"{p.A} is negative at this instance, which has no real power {p.Exponent}.", "Choose values where it is positive.");
                    return S(Math.Pow(a[0, 0], p.Exponent));
                }
                if (p.Exponent >= 1L << 62)
                    throw Fail(source, "MC3008", $"The exponent of {Short(p)} is too large to evaluate.", "Evaluate a lower power.");
                return Finite(MatrixPower(a, p.Exponent), p, a, p.Exponent, source);
            }
            case Expressions.PowerSum ps:
            {
                var a = V(ps.Base);
                var c = V(ps.Inner);
                return Finite(PowerSum(a, c, ps.K), ps, a, c.FrobeniusNorm() == 0 ? 0 : ps.K - 1, source);
            }
            case Hadamard h:
            {
                var (x, y) = Pair(V(h.L), V(h.R));
                return x.PointwiseMultiply(y);
            }
            case HadamardDiv h:
            {
                var (x, y) = Pair(V(h.L), V(h.R));
                if (y.Enumerate().Any(v => v == 0))
                    throw Fail(source, "MC3003", $"Entrywise division by zero: {h.R} has a zero entry at this instance.", "Declare the divisor positive, or choose other values.");
                return x.PointwiseDivide(y);
            }
            case HadamardPower p:
            {
                var a = V(p.A);
                if (p.Exponent != Math.Floor(p.Exponent) && a.Enumerate().Any(v => v < 0))
                    throw Fail(source, "MC3004", $"{p.A} has a negative entry, which has no real power {p.Exponent}.", "Declare it positive.");
                return a.Map(v => Math.Pow(v, p.Exponent));
            }
            case Frobenius f: return S(V(f.L).PointwiseMultiply(V(f.R)).Enumerate().Sum());
            case Kron k:
            {
                var (l, r) = (V(k.L), V(k.R));
                if ((long)l.RowCount * r.RowCount * l.ColumnCount * r.ColumnCount > MaxEntries || (long)l.RowCount * r.RowCount > int.MaxValue || (long)l.ColumnCount * r.ColumnCount > int.MaxValue)
                    throw TooLarge(source, $"{Short(k, "A Kronecker product")} is {(long)l.RowCount * r.RowCount}×{(long)l.ColumnCount * r.ColumnCount} at this instance.");
                return l.KroneckerProduct(r);
            }
            case Trace t: return S(V(t.A).Trace());
            case Det { A: Power { A.IsScalar: false } p }:
                // det(Aᵏ) = det(A)ᵏ: no k-th power of a matrix to factorise.
                return S(Math.Pow(Decomposable(V(p.A), p.A, source).Determinant(), p.Exponent));
            case Det d: return S(Decomposable(V(d.A), d.A, source).Determinant());
            case LogDet { A: Power { A.IsScalar: false } p } l:
            {
                // ln det(Aᵏ) = k ln|det A| (det Aᵏ = (det A)ᵏ > 0 needs det A > 0 or k even): the factorisation of A, not of
                // Aᵏ, whose condition number is cond(A)ᵏ — so ln det(X^40) is as accurate as ln det(X).
                var lu = Decomposable(V(p.A), p.A, source).LU();
                var det = lu.Determinant;
                if (det == 0 || (det < 0 && p.Exponent % 2 != 0) || !double.IsFinite(det))
                    throw Fail(source, "MC3002", $"ln det is undefined here: det({l.A}) = det({p.A})^{TextPrinter(p.Exponent)} is not positive at this instance.",
                        SingularHint(l.A, lu.U.RowCount, b));
                var logAbs = 0.0;
                for (var i = 0; i < lu.U.RowCount; i++) logAbs += Math.Log(Math.Abs(lu.U[i, i]));
                return S(p.Exponent * logAbs);
            }
            case LogDet l:
            {
                var a = Decomposable(V(l.A), l.A, source);
                var det = a.Determinant();
                if (!(det > 0))
                    throw Fail(source, "MC3002", $"ln det is undefined here: det({l.A}) = {Numbers.Show(det)} is not positive at this instance.",
                        l.A is Symbol
                            ? "Declare the matrix spd (symmetric positive definite), or use values with a positive determinant."
                            : SingularHint(l.A, a.RowCount, b));
                var lu = a.LU();
                return S(lu.Determinant > 0 ? Math.Log(lu.Determinant) : Math.Log(det));
            }
            case Elementwise f: return Apply(f, V(f.A), source);
            case Softmax s: return SoftmaxOf(V(s.A), s.Rows);
            case SumAll s: return S(V(s.A).Enumerate().Sum());
            case DiagMatrix d: return M.DenseOfDiagonalVector(V(d.A).Column(0));
            case DiagVector d: return V(d.A).Diagonal().ToColumnMatrix();
            case Vec v:
            {
                var a = V(v.A);
                return M.Dense(a.RowCount * a.ColumnCount, 1, a.ToColumnMajorArray());
            }
            case Norm n:
            {
                var a = V(n.A);
                return S(n.Kind == NormKind.One ? a.Enumerate().Sum(Math.Abs) : Math.Sqrt(a.Enumerate().Sum(x => x * x)));
            }
            case Expressions.Commutation k:
            {
                // K vec(A) = vec(Aᵀ) for A m×n: vec(A)[i + j m] = A[i, j] = vec(Aᵀ)[j + i n].
                var (m, n) = (Size(k.M, b, source), Size(k.N, b, source));
                var kk = M.Dense(m * n, m * n);
                for (var i = 0; i < m; i++)
                    for (var j = 0; j < n; j++)
                        kk[j + i * n, i + j * m] = 1;
                return kk;
            }
            case Expressions.Unvec u:
            {
                var v = V(u.V);
                var (rows, cols) = SizeOf(u.Target, b, source);
                return M.Dense(rows, cols, v.ToColumnMajorArray());
            }
            case Expressions.KronAdjoint k:
            {
                var c = V(k.Cotangent);
                var other = V(k.Other);
                var (rows, cols) = SizeOf(k.Target, b, source);
                var g = M.Dense(rows, cols);
                if (k.IsLeft)
                {
                    // A is rows×cols, B = other is p×q; C is (rows·p)×(cols·q).
                    int p = other.RowCount, q = other.ColumnCount;
                    for (var i = 0; i < rows; i++)
                        for (var j = 0; j < cols; j++)
                            g[i, j] = c.SubMatrix(i * p, p, j * q, q).PointwiseMultiply(other).Enumerate().Sum();
                }
                else
                {
                    // A = other is r×s, B is rows×cols.
                    for (var i = 0; i < other.RowCount; i++)
                        for (var j = 0; j < other.ColumnCount; j++)
                            g += other[i, j] * c.SubMatrix(i * rows, rows, j * cols, cols);
                }
                return g;
            }
            case Expressions.JacobianAdjoint or Expressions.JacobianApply or Expressions.Differential:
                throw Fail(source, "MC3005", "A Jacobian tensor of an opaque function has no numeric value.",
                    "Replace the opaque function by a concrete one (for example softmax(…)) to check numerically.");
            case OpaqueCall c:
                throw Fail(source, "MC3005", $"{c.Function} is an opaque function: it has no numeric definition.",
                    $"Evaluate with a concrete function in place of {c.Function} (for example softmax(…)).");
            default:
                throw new NotSupportedException($"cannot evaluate {e.GetType().Name}");
        }
    }

    private static (Matrix<double>, Matrix<double>) Pair(Matrix<double> x, Matrix<double> y)
    {
        if (x.RowCount == 1 && x.ColumnCount == 1 && (y.RowCount > 1 || y.ColumnCount > 1)) x = Matrix<double>.Build.Dense(y.RowCount, y.ColumnCount, x[0, 0]);
        if (y.RowCount == 1 && y.ColumnCount == 1 && (x.RowCount > 1 || x.ColumnCount > 1)) y = Matrix<double>.Build.Dense(x.RowCount, x.ColumnCount, y[0, 0]);
        return (x, y);
    }

    /// <summary>What to do about a singular (or not positive definite) matrix: declare a symbol; for an expression, see its rank.</summary>
    private static string SingularHint(Expr of, int size, Bindings? b)
    {
        if (of is Symbol s) return $"Declare {s.Name} invertible or spd so that checks sample an invertible matrix, or choose other values.";
        // A product through a narrower matrix has rank below its size (W W' with W n×m, m < n): no instance helps.
        var narrow = b is null ? [] : of.DescendantsAndSelf().OfType<Symbol>().Where(x => !x.Shape.IsScalar && b.TryGet(x.Name, out _))
            .Select(x => (x.Name, Rank: Math.Min(b[x.Name].RowCount, b[x.Name].ColumnCount)))
            .Where(x => x.Rank < size).DistinctBy(x => x.Name).ToList();
        return narrow.Count > 0
            ? $"{of} is {size}×{size} but built from {string.Join(", ", narrow.Select(x => x.Name))} of rank at most {narrow.Min(x => x.Rank)} here, so it is singular for every value: choose --dims that make it full rank (e.g. more columns than rows for W W'), or add a regulariser such as + s^2 I."
            : "It is singular for this random instance; try another --seed or --dims, or add a regulariser such as + s^2 I.";
    }

    /// <summary>
    /// Inverts, refusing singular and badly conditioned matrices with a diagnostic; with the instance's values the hint can
    /// say when no instance would do (a product of rank below its size).
    /// </summary>
    public static Matrix<double> Invert(Matrix<double> a, Expr of, string source, Bindings? b = null)
    {
        Decomposable(a, of, source);
        double cond;
        // The SVD does not converge on some matrices with entries near the overflow threshold (inv(X^1000)): singular for us.
        try { cond = a.ConditionNumber(); }
        catch (MathNet.Numerics.NonConvergenceException) { cond = double.NaN; }
        if (double.IsNaN(cond) || cond > 1e12)
            throw Fail(source, "MC3002", $"{of} is singular{(double.IsFinite(cond) ? $" (or nearly: condition number {Numbers.Show(cond, "G3")})" : "")} at this instance, so its inverse does not exist.",
                SingularHint(of, a.RowCount, b));
        return a.Inverse();
    }

    /// <summary>
    /// A matrix about to be factorised (inverse, determinant): one with an infinite or NaN entry (exp of an inverse that
    /// overflowed) is MC3008 here — MathNet's SVD does not return on such a matrix (found by the fuzz harness).
    /// </summary>
    private static Matrix<double> Decomposable(Matrix<double> a, Expr of, string source) => IsFinite(a) ? a
        : throw Fail(source, "MC3008", $"{Short(of, "A matrix")} is not finite (an overflow) at this instance, so it cannot be inverted or factorised.",
            "Large powers or exponentials overflow at random values; evaluate at smaller values with --at, or lower the power.");

    private static Matrix<double> Apply(Elementwise f, Matrix<double> a, string source)
    {
        switch (f.Fn)
        {
            case ElementwiseFn.Log when a.Enumerate().Any(v => v <= 0):
                throw Fail(source, "MC3004", $"log is undefined here: {f.A} has an entry ≤ 0 at this instance.",
                    "Declare the argument positive, or choose values with positive entries.");
            case ElementwiseFn.Sqrt when a.Enumerate().Any(v => v < 0):
                throw Fail(source, "MC3004", $"sqrt is undefined here: {f.A} has a negative entry at this instance.",
                    "Declare the argument positive, or choose values with non-negative entries.");
        }
        Func<double, double> fn = f.Fn switch
        {
            ElementwiseFn.Exp => Math.Exp,
            ElementwiseFn.Log => Math.Log,
            ElementwiseFn.Sqrt => Math.Sqrt,
            ElementwiseFn.Tanh => Math.Tanh,
            ElementwiseFn.Sigmoid => x => 1 / (1 + Math.Exp(-x)),
            ElementwiseFn.Abs => Math.Abs,
            ElementwiseFn.Sign => x => Math.Sign(x),
            ElementwiseFn.Sin => Math.Sin,
            ElementwiseFn.Cos => Math.Cos,
            _ => throw new NotSupportedException(f.Fn.ToString()),
        };
        return a.Map(fn, MathNet.Numerics.LinearAlgebra.Zeros.Include);
    }

    public static Matrix<double> SoftmaxOf(Matrix<double> a, bool rows)
    {
        var x = rows ? a.Transpose() : a.Clone();
        for (var j = 0; j < x.ColumnCount; j++)
        {
            var col = x.Column(j);
            var max = col.Maximum();
            var exp = col.Map(v => Math.Exp(v - max));
            x.SetColumn(j, exp / exp.Sum());
        }
        return rows ? x.Transpose() : x;
    }
}
