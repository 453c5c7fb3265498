using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Semantics;
using NotebookCalc.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Numerics;

/// <summary>
/// Draws random instances for checks: a seeded RNG, distinct concrete sizes per symbolic dimension (so a
/// transposition mistake changes a shape instead of hiding), and values honouring each symbol's declared properties.
/// </summary>
public static class Sampler
{
    /// <summary>Sizes handed out to symbolic dimensions in order of first appearance: all different, all small.</summary>
    public static readonly int[] DefaultSizes = [3, 4, 5, 2, 6, 7, 8, 9, 10, 11, 12];

    /// <summary>Assigns sizes to the named dimensions of the symbols (overrides first, then distinct defaults).</summary>
    public static Dictionary<string, int> AssignSizes(IEnumerable<Shape> shapes, IReadOnlyDictionary<string, int>? overrides = null)
    {
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        if (overrides is not null)
            foreach (var (k, v) in overrides) sizes[k] = v;
        var used = new HashSet<int>(sizes.Values);
        var next = 0;
        foreach (var name in shapes.SelectMany(s => s.Rows.Names().Concat(s.Cols.Names())))
        {
            if (sizes.ContainsKey(name)) continue;
            while (next < DefaultSizes.Length && used.Contains(DefaultSizes[next])) next++;
            var size = next < DefaultSizes.Length ? DefaultSizes[next++] : 13 + sizes.Count;
            sizes[name] = size;
            used.Add(size);
        }
        return sizes;
    }

    /// <summary>A random instance for the given symbols; existing values in <paramref name="fixedValues"/> are kept.</summary>
    public static Bindings Sample(IEnumerable<Symbol> symbols, int seed, IReadOnlyDictionary<string, int>? dims = null, Bindings? fixedValues = null, int variant = 0)
    {
        var list = symbols.ToList();
        var bindings = new Bindings();
        var overrides = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (k, v) in fixedValues?.Sizes ?? new Dictionary<string, int>()) overrides[k] = v;
        foreach (var (k, v) in dims ?? new Dictionary<string, int>()) overrides[k] = v;
        var sizes = AssignSizes(list.Select(s => s.Shape), overrides);
        foreach (var (k, v) in sizes) bindings.SetSize(k, v);
        var random = new Random(seed);
        foreach (var s in list.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (fixedValues is not null && fixedValues.TryGet(s.Name, out var given)) { bindings.Set(s.Name, given); continue; }
            var (rows, cols) = SizeOf(s, sizes);
            bindings.Set(s.Name, Draw(s, rows, cols, random, variant));
        }
        return bindings;
    }

    /// <summary>A product of sizes, which may be beyond an int.</summary>
    private static long Product(Dim d, IReadOnlyDictionary<string, int> sizes) => d switch
    {
        ProductDim p => Product(p.Left, sizes) * Product(p.Right, sizes),
        _ => d.Evaluate(sizes),
    };

    /// <summary>A symbol's concrete size; one beyond <see cref="Evaluator.MaxEntries"/> entries is MC3016 (not drawn).</summary>
    private static (int Rows, int Cols) SizeOf(Symbol s, IReadOnlyDictionary<string, int> sizes)
    {
        long rows, cols;
        try { (rows, cols) = (s.Shape.Rows.Evaluate(sizes), s.Shape.Cols.Evaluate(sizes)); }
        catch (OverflowException) { (rows, cols) = (long.MaxValue, 1); }
        if (rows * (double)cols <= Evaluator.MaxEntries) return ((int)rows, (int)cols);
        throw new MatcalcException("", DiagnosticCatalog.TooLargeToEvaluate.At(new TextSpan(0, 0),
            $"{s.Name} ({s.Shape}) would have more than {Evaluator.MaxEntries:N0} entries at these sizes; it is too large to draw.",
            "Choose smaller sizes with --dims."));
    }

    /// <summary>
    /// Size assignments for a verdict: the default one, then assignments in which every free dimension takes another
    /// size, tall and wide swapped, never all equal (sizes are distinct within an assignment). Dimensions fixed by
    /// <paramref name="overrides"/> (--dims, or the sizes of --at values) keep their size in every assignment.
    /// </summary>
    public static IReadOnlyList<Dictionary<string, int>> SizePlans(IEnumerable<Shape> shapes, IReadOnlyDictionary<string, int>? overrides = null)
    {
        var list = shapes.ToList();
        var first = AssignSizes(list, overrides);
        var free = list.SelectMany(s => s.Rows.Names().Concat(s.Cols.Names())).Distinct()
            .Where(n => overrides is null || !overrides.ContainsKey(n)).ToList();
        var plans = new List<Dictionary<string, int>> { first };
        if (free.Count == 0) return plans;
        int[][] pools = [[4, 2, 3, 6, 5, 7, 8, 9, 10, 11, 12], [5, 3, 2, 4, 7, 6, 9, 8, 11, 10, 12], [2, 5, 4, 3, 8, 7, 6, 10, 9, 12, 11]];
        foreach (var pool in pools)
        {
            var plan = new Dictionary<string, int>(first, StringComparer.Ordinal);
            var used = new HashSet<int>(overrides?.Values ?? []);
            foreach (var name in free)
            {
                var size = pool.FirstOrDefault(v => v != first[name] && !used.Contains(v));
                if (size == 0) size = 13 + used.Count;
                plan[name] = size;
                used.Add(size);
            }
            plans.Add(plan);
            // Tall and wide swapped: the first assignment's sizes in reverse order of the dimensions.
            if (plans.Count == 2 && free.Count > 1)
            {
                var reversed = new Dictionary<string, int>(first, StringComparer.Ordinal);
                for (var i = 0; i < free.Count; i++) reversed[free[i]] = first[free[free.Count - 1 - i]];
                plans.Add(reversed);
            }
        }
        return plans.DistinctBy(p => string.Join(",", p.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => $"{q.Key}={q.Value}"))).ToList();
    }

    /// <summary>
    /// A matrix with the symbol's properties; entries of order 1 so that differences are well scaled. The
    /// <paramref name="variant"/> picks the family within a property, so that instances differ in structure too:
    /// orthogonal matrices of both determinant signs; symmetric, spd, diagonal, indicator and positive matrices of
    /// several kinds.
    /// </summary>
    public static Matrix<double> Draw(Symbol s, int rows, int cols, Random random, int variant = 0)
    {
        var M = Matrix<double>.Build;
        Matrix<double> Gaussian(int r, int c) => M.Dense(r, c, (_, _) => Normal(random));
        var p = s.Props;
        if (rows == 1 && cols == 1)
        {
            // Scalars: away from zero so that divisions and logs are safe; positive when declared.
            var v = 0.5 + random.NextDouble();
            return M.Dense(1, 1, p.HasFlag(SymbolProps.Positive) || random.Next(4) > 0 ? v : -v);
        }
        var family = ((variant % 3) + 3) % 3;
        if (p.HasFlag(SymbolProps.Indicator))
        {
            // Half ones; mostly ones; mostly zeros.
            var ones = family switch { 0 => 0.5, 1 => 0.8, _ => 0.25 };
            return M.Dense(rows, cols, (_, _) => random.NextDouble() < ones ? 1 : 0);
        }
        if (p.HasFlag(SymbolProps.Positive) && !p.HasFlag(SymbolProps.Symmetric))
            return family switch
            {
                0 => M.Dense(rows, cols, (_, _) => 0.5 + 1.5 * random.NextDouble()),
                1 => M.Dense(rows, cols, (_, _) => Math.Exp(Normal(random))),
                _ => M.Dense(rows, cols, (_, _) => 0.1 + 0.4 * random.NextDouble()),
            };
        if (p.HasFlag(SymbolProps.Orthogonal))
        {
            // QR of a Gaussian matrix, with the determinant's sign chosen by the variant (odd: −1, even: +1).
            var q = Gaussian(rows, cols).QR().Q;
            var wanted = variant % 2 == 0 ? 1.0 : -1.0;
            if (Math.Sign(q.Determinant()) != Math.Sign(wanted)) q.SetColumn(0, -q.Column(0));
            return q;
        }
        if (p.HasFlag(SymbolProps.Diagonal))
        {
            return M.DenseOfDiagonalArray(Enumerable.Range(0, rows).Select(_ =>
            {
                var v = family == 1 ? Math.Pow(10, 2 * random.NextDouble() - 1) : 0.5 + random.NextDouble();
                return p.HasFlag(SymbolProps.Spd) || p.HasFlag(SymbolProps.Positive) || random.Next(2) == 0 ? v : -v;
            }).ToArray());
        }
        if (p.HasFlag(SymbolProps.Spd))
        {
            var g = Gaussian(rows, rows);
            switch (family)
            {
                case 0: return g * g.Transpose() / rows + M.DenseIdentity(rows);
                case 1:
                {
                    // Eigenvalues spread over two orders of magnitude, random eigenvectors.
                    var q = g.QR().Q;
                    var lambda = M.DenseOfDiagonalArray(Enumerable.Range(0, rows).Select(_ => Math.Pow(10, 2 * random.NextDouble() - 1)).ToArray());
                    var spd = q * lambda * q.Transpose();
                    return (spd + spd.Transpose()) / 2;
                }
                default: return M.DenseOfDiagonalArray(Enumerable.Range(0, rows).Select(_ => 0.5 + 2 * random.NextDouble()).ToArray()) + g * g.Transpose() / (4 * rows);
            }
        }
        if (p.HasFlag(SymbolProps.Symmetric))
        {
            var g = Gaussian(rows, rows);
            var sym = family switch
            {
                0 => (g + g.Transpose()) / 2,
                1 => (g + g.Transpose()) / 2 + M.DenseIdentity(rows) * (rows / 2.0 * (random.Next(2) == 0 ? 1 : -1)), // diagonally heavy, either sign
                _ => g * M.DenseOfDiagonalArray(Enumerable.Range(0, rows).Select(i => i % 2 == 0 ? 1.0 : -1.0).ToArray()) * g.Transpose() / rows, // indefinite
            };
            if (p.HasFlag(SymbolProps.Positive)) sym = sym.Map(Math.Abs) + 0.5;
            return p.HasFlag(SymbolProps.Invertible) ? WellConditioned(sym, random) : sym;
        }
        var a = Gaussian(rows, cols);
        return p.HasFlag(SymbolProps.Invertible) || rows == cols ? WellConditioned(a, random) : a;
    }

    /// <summary>Shifts a square matrix by a multiple of I until its condition number is moderate.</summary>
    private static Matrix<double> WellConditioned(Matrix<double> a, Random random)
    {
        for (var shift = 0; shift < 20 && a.ConditionNumber() > 50; shift++)
            a += Matrix<double>.Build.DenseIdentity(a.RowCount) * (random.Next(2) == 0 ? 1 : -1);
        return a;
    }

    /// <summary>Standard normal by Box–Muller (deterministic for a seed, independent of library versions).</summary>
    public static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>The declared property a given value lacks (tolerances relative to the value's size), or null.</summary>
    public static string? Violation(SymbolProps p, Matrix<double> v)
    {
        var scale = Math.Max(1, v.FrobeniusNorm());
        const double tol = 1e-9;
        var square = v.RowCount == v.ColumnCount;
        if (p.HasFlag(SymbolProps.Indicator) && v.Enumerate().Any(x => x != 0 && x != 1)) return "an indicator (every entry 0 or 1)";
        if (p.HasFlag(SymbolProps.Positive) && v.Enumerate().Any(x => !(x > 0))) return "positive (every entry > 0)";
        if (!square) return null;
        if (!v.Enumerate().All(double.IsFinite)) return "finite (an entry is infinite or not a number)"; // no factorisation of ∞
        if (p.HasFlag(SymbolProps.Diagonal) && Enumerable.Range(0, v.RowCount).Any(i => Enumerable.Range(0, v.ColumnCount).Any(j => i != j && Math.Abs(v[i, j]) > tol * scale)))
            return "diagonal (an off-diagonal entry is not 0)";
        if (p.HasFlag(SymbolProps.Symmetric) && (v - v.Transpose()).FrobeniusNorm() > tol * scale) return "symmetric (it differs from its transpose)";
        if (p.HasFlag(SymbolProps.Spd) && v.RowCount > 1 && !IsPositiveDefinite(v)) return "symmetric positive definite (an eigenvalue is ≤ 0)";
        if (p.HasFlag(SymbolProps.Orthogonal) && (v.TransposeThisAndMultiply(v) - Matrix<double>.Build.DenseIdentity(v.RowCount)).FrobeniusNorm() > 1e-8 * v.RowCount)
            return "orthogonal (XᵀX differs from I)";
        if (p.HasFlag(SymbolProps.Invertible) && !(v.ConditionNumber() < 1e14)) return "invertible (it is singular or nearly so)";
        return null;
    }

    private static bool IsPositiveDefinite(Matrix<double> v)
    {
        try { return v.Evd().EigenValues.All(e => e.Real > 0); }
        catch (ArgumentException) { return false; }
    }

    /// <summary>Checks that values given by a user fit the symbols' shapes and binds the dimensions.</summary>
    public static Bindings Bind(IEnumerable<Symbol> symbols, IReadOnlyDictionary<string, Matrix<double>> values, string source = "")
    {
        var b = new Bindings();
        var origin = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in symbols)
        {
            if (!values.TryGetValue(s.Name, out var v))
                throw new MatcalcException(source, Diagnostic.Error("MC3001", new TextSpan(0, source.Length), $"No value was given for {s.Name} ({s.Shape}).",
                    $"Add \"{s.Name}\" to the values."));
            BindDim(s.Shape.Rows, v.RowCount, s, v, "rows");
            BindDim(s.Shape.Cols, v.ColumnCount, s, v, "columns");
            if (Violation(s.Props, v) is { } why)
                throw new MatcalcException(source, Diagnostic.Error("MC3012", new TextSpan(0, source.Length),
                    $"The value given for {s.Name} is not {why}, as its declaration says.",
                    $"Give a value with that property, or remove the property from the declaration of {s.Name}."));
            b.Set(s.Name, v);
        }
        return b;

        void BindDim(Dim d, int actual, Symbol s, Matrix<double> v, string what)
        {
            string Has() => $"{s.Name} is {v.RowCount}×{v.ColumnCount}";
            switch (d)
            {
                case ConstDim c when c.Value != actual:
                    throw new MatcalcException(source, Diagnostic.Error("MC3006", new TextSpan(0, source.Length),
                        $"{Has()} but it is declared {s.Shape}: it needs {c.Value} {what}.", $"Give {s.Name} as a {s.Shape} value."));
                case NamedDim n when b.Sizes.TryGetValue(n.Name, out var bound) && bound != actual:
                    throw new MatcalcException(source, Diagnostic.Error("MC3006", new TextSpan(0, source.Length),
                        $"The dimension {n.Name} is {bound} from {origin[n.Name]}, but {Has()}, which makes it {actual}.",
                        $"Values must agree on {n.Name}; {s.Name} is {s.Shape}."));
                case NamedDim n when !b.Sizes.ContainsKey(n.Name):
                    b.SetSize(n.Name, actual);
                    origin[n.Name] = $"{s.Name} ({v.RowCount}×{v.ColumnCount})";
                    break;
                case ProductDim p when p.Names().All(b.Sizes.ContainsKey) && Product(p, b.Sizes) != actual:
                    throw new MatcalcException(source, Diagnostic.Error("MC3006", new TextSpan(0, source.Length),
                        $"{Has()} but its {what} should number {p} = {Product(p, b.Sizes)}.", $"Give {s.Name} as a {s.Shape} value."));
            }
        }
    }

    /// <summary>
    /// How far a power's scale may run from 1 before its base is rescaled: ρᵏ outside 10^±50 (k·|ln ρ| above 115). Lower
    /// powers (X^40 at ρ ≈ 2) keep the instance as drawn.
    /// </summary>
    private const double MaxLogScale = 115;

    /// <summary>
    /// High matrix powers (tr(X^10000)) overflow or underflow at almost every random draw: ρ(X)ᵏ is far beyond 10^±308.
    /// For each power Bᵏ (or power sum Σ Bⁱ C B^(k−1−i)) in <paramref name="exprs"/> whose scale ρ(B)ᵏ at this instance
    /// is outside 10^±50, the symbols of B are scaled by one positive factor so that B's spectral radius is 1 — when B is
    /// homogeneous in them (X, Xᵀ, t S Yᵀ, X + Y, X⁻¹) and scaling keeps their declared properties (not indicator or
    /// orthogonal matrices, whose spectral radius is fixed). The values keep their structure and stay a random instance.
    /// </summary>
    public static void ScaleForPowers(IEnumerable<Expr> exprs, Bindings b)
    {
        var bases = exprs.SelectMany(e => e.DescendantsAndSelf())
            .Select(e => e switch
            {
                Power { A.IsScalar: false } p when Math.Abs(p.Exponent) >= 8 && p.Exponent == Math.Floor(p.Exponent) => (Base: p.A, K: Math.Abs(p.Exponent)),
                Expressions.PowerSum ps when ps.K >= 8 => (Base: ps.Base, K: (double)ps.K),
                _ => (Base: (Expr?)null, K: 0.0),
            })
            .Where(p => p.Base is not null)
            .GroupBy(p => p.Base!).Select(g => (Base: g.Key, K: g.Max(p => p.K)))
            .OrderByDescending(p => p.K).ToList();
        foreach (var (@base, k) in bases)
        {
            bool Scalable(Symbol s) => b.TryGet(s.Name, out _) && !s.Props.HasFlag(SymbolProps.Indicator) && !s.Props.HasFlag(SymbolProps.Orthogonal);
            if (Degree(@base, Scalable) is not { } degree || degree == 0) continue;
            double rho;
            try
            {
                var value = Evaluator.Evaluate(@base, b);
                if (!value.Enumerate().All(double.IsFinite)) continue;
                rho = value.Evd().EigenValues.Max(l => l.Magnitude);
            }
            catch (Exception ex) when (ex is MatcalcException or ArgumentException or ArithmeticException) { continue; }
            if (!(rho > 0) || !double.IsFinite(rho) || k * Math.Abs(Math.Log(rho)) <= MaxLogScale) continue;
            var factor = Math.Pow(rho, -1.0 / degree);
            foreach (var s in @base.DescendantsAndSelf().OfType<Symbol>().Where(Scalable).DistinctBy(s => s.Name))
                b.Set(s.Name, b[s.Name] * factor);
        }
    }

    /// <summary>The degree d with e(c·symbols) = c^d e(symbols) for the scalable symbols; null when e is not homogeneous.</summary>
    private static int? Degree(Expr e, Func<Symbol, bool> scalable)
    {
        int? Same(int? a, int? b) => a is { } x && b is { } y && x == y ? x : null;
        return e switch
        {
            Symbol s => scalable(s) ? 1 : 0,
            Number or Identity or Ones or ZeroMatrix => 0,
            Transpose or Neg or Broadcast or DiagMatrix or DiagVector or Vec or Trace or SumAll => Degree(e.Children[0], scalable),
            MatMul or Scale or Kron or Hadamard or Frobenius => Degree(e.Children[0], scalable) + Degree(e.Children[1], scalable),
            Divide d => Degree(d.Numerator, scalable) - Degree(d.Denominator, scalable),
            HadamardDiv h => Degree(h.L, scalable) - Degree(h.R, scalable),
            Inverse i => -Degree(i.A, scalable),
            Power p when p.Exponent == Math.Floor(p.Exponent) && Math.Abs(p.Exponent) <= 1000 => Degree(p.A, scalable) * (int)p.Exponent,
            Add a => Same(Degree(a.L, scalable), Degree(a.R, scalable)),
            _ => e.DescendantsAndSelf().OfType<Symbol>().Any(scalable) ? null : 0,
        };
    }
}
