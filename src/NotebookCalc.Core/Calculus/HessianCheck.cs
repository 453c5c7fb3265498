using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Numerics;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

namespace NotebookCalc.Calculus;

/// <summary>Numerical verification of a Hessian map: finite differences of the gradient, symmetry, and second differences of f.</summary>
public static class HessianCheck
{
    public const double Tolerance = 1e-6;
    public const double SymmetryTolerance = 1e-8;
    public const double QuadraticTolerance = 1e-4;

    /// <summary>X with at most this many entries is also checked column by column (the whole vec Hessian).</summary>
    public const int MaxColumns = 64;

    /// <summary>The largest X (entries) whose vec Hessian is computed at --at values (a 400×400 matrix).</summary>
    public const int MaxVecEntries = 400;

    internal static List<Symbol> SymbolsOf(Expression f, Symbol h, params Expr[] exprs) =>
        f.Symbols.Concat(exprs.SelectMany(e => e.DescendantsAndSelf().OfType<Symbol>())).Where(s => s.Name != h.Name).DistinctBy(s => s.Name).ToList();

    public static HessianCheckReport Run(Expression f, Symbol x, Symbol h, Expr gradient, Expr map, int seed = 1, IReadOnlyDictionary<string, int>? dims = null)
    {
        if (f.Expr.DescendantsAndSelf().Any(e => e is OpaqueCall) || map.DescendantsAndSelf().Any(e => e is JacobianAdjoint or JacobianApply or OpaqueCall))
            return new HessianCheckReport(false, double.NaN, Tolerance, double.NaN, double.NaN, seed, new Dictionary<string, int>(), 0, false,
                "not checked numerically: the function contains an opaque function, which has no numeric value") { Skipped = true };
        var symbols = SymbolsOf(f, h, gradient, map);
        MatcalcException? last = null;
        var plans = Sampler.SizePlans(symbols.Select(q => q.Shape), dims);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var s = seed + 1000 * attempt;
            try
            {
                var b = Sampler.Sample(symbols, s, plans[(attempt / 2) % plans.Count]);
                return RunOn(f, x, h, gradient, map, b, s);
            }
            catch (MatcalcException ex) when (ex.Diagnostics.All(d => d.Id.StartsWith("MC3", StringComparison.Ordinal)))
            {
                last = ex;
            }
        }
        throw new MatcalcException(f.Source, last!.Diagnostics.Select(d => d with
        {
            Message = "The numerical check of the Hessian found no valid random instance in 8 tries over every size assignment: " + d.Message,
        }).ToList());
    }

    internal static Matrix<double> RandomDirection(Random random, int rows, int cols, VariableStructure structure)
    {
        var v = Structure.Project(structure, Matrix<double>.Build.Dense(rows, cols, (_, _) => Sampler.Normal(random)));
        return v / v.FrobeniusNorm();
    }

    /// <summary>The map evaluated at direction V (the other symbols at their values in b).</summary>
    internal static Matrix<double> Apply(Expr map, Symbol h, Bindings b, Matrix<double> v, string source)
    {
        var copy = b.Clone();
        copy.Set(h.Name, v);
        return Evaluator.Evaluate(map, copy, source);
    }

    private static Matrix<double> GradientAt(Expr gradient, Symbol x, Bindings b, Matrix<double> at, string source)
    {
        var copy = b.Clone();
        copy.Set(x.Name, at);
        return Evaluator.Evaluate(gradient, copy, source);
    }

    private static double Inner(Matrix<double> a, Matrix<double> b) => a.PointwiseMultiply(b).Enumerate().Sum();

    private static MatcalcException Overflow(string source) =>
        new(source, Diagnostic.Error("MC3008", new TextSpan(0, source.Length),
            "The difference quotient of the gradient overflows at this instance.", "Choose other values, or a function that does not overflow."));

    /// <summary>
    /// How much rounding error the evaluation of <paramref name="e"/> carries here (Frobenius norm): 100·ε per unit of the
    /// movement when every intermediate result is perturbed by a relative 1e-10 (twice); infinite when that fails.
    /// A difference quotient with step t cannot resolve less than about 10·noise/t.
    /// </summary>
    internal static double NoiseOf(Expr e, Bindings b, string source)
    {
        var value = Evaluator.Evaluate(e, b, source);
        var amplification = 0.0;
        for (var k = 0; k < 2; k++)
        {
            try { amplification = Math.Max(amplification, (Evaluator.EvaluatePerturbed(e, b, 1e-10, 13 + k, source) - value).FrobeniusNorm() / 1e-10); }
            catch (MatcalcException) { return double.PositiveInfinity; }
        }
        return double.IsFinite(amplification) ? 100 * 2.2e-16 * amplification + 2.2e-16 * value.FrobeniusNorm() : double.PositiveInfinity;
    }

    /// <summary>The relative error of ∇²f[V] against central differences of ∇f along V (best of three steps).</summary>
    internal static double DirectionError(Expression f, Symbol x, Symbol h, Expr gradient, Expr map, Bindings b, Matrix<double> v, bool projectOutput = true)
    {
        var x0 = b[x.Name];
        var t = 1e-5 * Math.Max(1, x0.FrobeniusNorm());
        var g0 = Evaluator.Evaluate(gradient, b, f.Source);
        var an = Apply(map, h, b, v, f.Source);
        if (projectOutput) an = Structure.Project(Structure.Of(x), an);
        var noise = NoiseOf(gradient, b, f.Source);
        if (!double.IsFinite(noise)) noise = 0;
        var best = double.PositiveInfinity;
        foreach (var step in new[] { t, t / 10, t / 100 })
        {
            var fd = (GradientAt(gradient, x, b, x0 + step * v, f.Source) - GradientAt(gradient, x, b, x0 - step * v, f.Source)) / (2 * step);
            if (projectOutput) fd = Structure.Project(Structure.Of(x), fd);
            if (!fd.Enumerate().All(double.IsFinite) || !an.Enumerate().All(double.IsFinite)) throw Overflow(f.Source);
            var floor = 1e3 * 2.2e-16 * (1 + g0.FrobeniusNorm()) / step / Tolerance;
            // What the difference quotient cannot resolve (the rounding error of the gradient's own evaluation) is not an error.
            var resolvable = 10 * noise / step;
            var denominator = Math.Max(Math.Max(fd.FrobeniusNorm(), an.FrobeniusNorm()), floor);
            var raw = (fd - an).FrobeniusNorm() / denominator;
            best = Math.Min(best, raw <= Tolerance ? raw : Math.Max(0, (fd - an).FrobeniusNorm() - resolvable) / denominator);
            if (best <= Tolerance) break;
        }
        return best;
    }

    public static HessianCheckReport RunOn(Expression f, Symbol x, Symbol h, Expr gradient, Expr map, Bindings b, int seed)
    {
        var x0 = b[x.Name];
        var structure = Structure.Of(x);
        var random = new Random(seed * 7919 + 29);
        const int directions = 3;
        var worst = 0.0;
        for (var k = 0; k < directions; k++)
            worst = Math.Max(worst, DirectionError(f, x, h, gradient, map, b, RandomDirection(random, x0.RowCount, x0.ColumnCount, structure)));

        var columns = x0.RowCount * x0.ColumnCount <= MaxColumns;
        if (columns) worst = Math.Max(worst, ColumnsError(f, x, h, gradient, map, b, structure));

        // Symmetry: ⟨V₁, ∇²f[V₂]⟩ = ⟨V₂, ∇²f[V₁]⟩.
        var v1 = RandomDirection(random, x0.RowCount, x0.ColumnCount, structure);
        var v2 = RandomDirection(random, x0.RowCount, x0.ColumnCount, structure);
        var m1 = Apply(map, h, b, v1, f.Source);
        var m2 = Apply(map, h, b, v2, f.Source);
        var (s12, s21) = (Inner(v1, m2), Inner(v2, m1));
        var symScale = Math.Max(m1.FrobeniusNorm(), m2.FrobeniusNorm());
        var symmetry = symScale == 0 ? 0 : Math.Abs(s12 - s21) / symScale;

        // The quadratic form against second differences of f itself (independent of the derived gradient).
        var quadratic = QuadraticError(f, x, map, h, b, v1, Inner(v1, m1));

        var passed = double.IsFinite(worst) && worst <= Tolerance && symmetry <= SymmetryTolerance && !(quadratic > QuadraticTolerance);
        var sizes = b.Sizes.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value);
        var sizeText = string.Join(", ", sizes.Select(p => $"{p.Key}={p.Value}"));
        static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.0e+0", CultureInfo.InvariantCulture);
        var summary = $"{(passed ? "passed" : "FAILED")}: relative error {F(worst)} against differences of the gradient (tolerance {Tolerance.ToString("0e+0", CultureInfo.InvariantCulture)}) " +
                      $"on a random instance (seed {seed}{(sizeText.Length > 0 ? ", " + sizeText : "")}), {directions} directions{(columns ? " and every column of the vec Hessian" : "")}; " +
                      $"symmetry ⟨V₁, ∇²f[V₂]⟩ − ⟨V₂, ∇²f[V₁]⟩: {F(symmetry)} relative; quadratic form vs second differences of f: {F(quadratic)} relative";
        return new HessianCheckReport(passed, worst, Tolerance, symmetry, quadratic, seed, sizes, directions, columns, summary);
    }

    /// <summary>
    /// The relative error of the whole vec matrix of the map (column c = vec map(E_c)) against central differences of
    /// <paramref name="of"/> (the gradient for a Hessian, F for a Jacobian) along every basis direction.
    /// </summary>
    internal static double ColumnsError(Expression f, Symbol x, Symbol h, Expr of, Expr map, Bindings b, VariableStructure structure, bool projectOutput = true)
    {
        var x0 = b[x.Name];
        var t = 1e-5 * Math.Max(1, x0.FrobeniusNorm());
        var an = VecMatrix(map, x, h, b, f.Source, projectOutput);
        var g0 = Evaluator.Evaluate(of, b, f.Source);
        var noise = NoiseOf(of, b, f.Source);
        if (!double.IsFinite(noise)) noise = 0;
        var best = double.PositiveInfinity;
        foreach (var step in new[] { t, t / 10, t / 100 })
        {
            var fd = Matrix<double>.Build.Dense(an.RowCount, an.ColumnCount);
            for (var c = 0; c < an.ColumnCount; c++)
            {
                var e = Basis(x0.RowCount, x0.ColumnCount, c, structure);
                var col = (GradientAt(of, x, b, x0 + step * e, f.Source) - GradientAt(of, x, b, x0 - step * e, f.Source)) / (2 * step);
                if (projectOutput) col = Structure.Project(structure, col);
                fd.SetColumn(c, col.ToColumnMajorArray());
            }
            if (!fd.Enumerate().All(double.IsFinite)) throw Overflow(f.Source);
            var floor = 1e3 * 2.2e-16 * (1 + g0.FrobeniusNorm()) / step / Tolerance * Math.Sqrt(an.ColumnCount);
            var resolvable = 10 * noise / step * Math.Sqrt(an.ColumnCount);
            var denominator = Math.Max(Math.Max(fd.FrobeniusNorm(), an.FrobeniusNorm()), floor);
            var raw = (fd - an).FrobeniusNorm() / denominator;
            best = Math.Min(best, raw <= Tolerance ? raw : Math.Max(0, (fd - an).FrobeniusNorm() - resolvable) / denominator);
            if (best <= Tolerance) break;
        }
        return best;
    }

    private static double QuadraticError(Expression f, Symbol x, Expr map, Symbol h, Bindings b, Matrix<double> v, double q)
    {
        var x0 = b[x.Name];
        var scale = Math.Max(1, x0.FrobeniusNorm());
        double F(Matrix<double> at)
        {
            var copy = b.Clone();
            copy.Set(x.Name, at);
            return Evaluator.EvaluateScalar(f.Expr, copy, f.Source);
        }
        var f0 = F(x0);
        var noise = GradientCheck.NoiseOf(f, b);
        if (!double.IsFinite(noise)) noise = 0;
        var best = double.PositiveInfinity;
        foreach (var step in new[] { 1e-3 * scale, 1e-4 * scale, 1e-2 * scale, 1e-5 * scale })
        {
            double second;
            try { second = (F(x0 + step * v) - 2 * f0 + F(x0 - step * v)) / (step * step); }
            catch (MatcalcException) { continue; } // a step leaves the domain (ln det near singular): try another
            if (!double.IsFinite(second)) continue;
            var floor = 1e3 * 2.2e-16 * (1 + Math.Abs(f0)) / (step * step) / QuadraticTolerance;
            var denominator = Math.Max(Math.Max(Math.Abs(second), Math.Abs(q)), floor);
            var raw = Math.Abs(second - q) / denominator;
            // A second difference cannot resolve less than about 4·10·noise/s² (f's own rounding error).
            best = Math.Min(best, raw <= QuadraticTolerance ? raw : Math.Max(0, Math.Abs(second - q) - 40 * noise / (step * step)) / denominator);
            if (best <= QuadraticTolerance) break;
        }
        return double.IsPositiveInfinity(best) ? double.NaN : best;
    }

    /// <summary>The basis direction of column c of the vec Hessian (column-major), projected onto structured directions.</summary>
    private static Matrix<double> Basis(int rows, int cols, int c, VariableStructure structure)
    {
        var e = Matrix<double>.Build.Dense(rows, cols);
        e[c % rows, c / rows] = 1;
        return Structure.Project(structure, e);
    }

    /// <summary>
    /// The vec Hessian at an instance: column c is vec(∇²f[E_c]) for the c-th basis direction in column-major order (for a
    /// structured variable, the map of the projected direction, projected).
    /// </summary>
    public static Matrix<double> VecMatrix(Expr map, Symbol x, Symbol h, Bindings b, string source, bool projectOutput = true)
    {
        var x0 = b[x.Name];
        var n = x0.RowCount * x0.ColumnCount;
        var structure = Structure.Of(x);
        Matrix<double>? result = null;
        for (var c = 0; c < n; c++)
        {
            var value = Apply(map, h, b, Basis(x0.RowCount, x0.ColumnCount, c, structure), source);
            if (projectOutput) value = Structure.Project(structure, value);
            result ??= Matrix<double>.Build.Dense(value.RowCount * value.ColumnCount, n);
            result.SetColumn(c, value.ToColumnMajorArray());
        }
        return result ?? Matrix<double>.Build.Dense(0, 0);
    }

    /// <summary>
    /// A guard for Hessian verdicts: on the instance a verdict compares on (its direction H included), the derived map must
    /// match central differences of the derived gradient along H; else the engine is wrong and no verdict is given (MC3015).
    /// </summary>
    public static void RequireAgreement(Expression f, Symbol x, Symbol h, Expr gradient, Expr map, Bindings b, string what = "Hessian")
    {
        var v = b[h.Name];
        var norm = v.FrobeniusNorm();
        if (norm == 0) return;
        var error = DirectionError(f, x, h, gradient, map, b, v / norm, projectOutput: what == "Hessian");
        if (!double.IsFinite(error)) return;
        if (error > 1e-4)
            throw new MatcalcException(f.Source, DiagnosticCatalog.HessianFailsCheck.At(new TextSpan(0, f.Source.Length),
                $"The derived {what} fails its own finite-difference check on an instance (relative error {error.ToString("0.0e+0", CultureInfo.InvariantCulture)}), so no verdict is given.",
                "This is a bug in NotebookCalc: please report the function and the declarations."));
    }
}
