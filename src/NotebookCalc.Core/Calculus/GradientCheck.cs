using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Numerics;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

namespace NotebookCalc.Calculus;

/// <summary>Numerical verification of a gradient: central differences along random directions and, for small X, per entry.</summary>
public static class GradientCheck
{
    public const double Tolerance = 1e-6;
    private const int MaxEntrywise = 64;

    public static CheckReport Run(Expression f, Symbol x, Expr gradient, int seed = 1, IReadOnlyDictionary<string, int>? dims = null)
    {
        if (f.Expr.DescendantsAndSelf().Any(e => e is OpaqueCall) || gradient.DescendantsAndSelf().Any(e => e is JacobianAdjoint or OpaqueCall))
            return new CheckReport(false, double.NaN, Tolerance, seed, new Dictionary<string, int>(), 0, false,
                "not checked numerically: the function contains an opaque function, which has no numeric value (replace it by a concrete function to check)")
            { Skipped = true };
        var symbols = f.Symbols.Concat(gradient.DescendantsAndSelf().OfType<Symbol>()).DistinctBy(s => s.Name).ToList();
        MatcalcException? last = null;
        var illConditioned = 0;
        var unresolved = 0;
        // Other size assignments too (tall X where XᵀX must be invertible), before giving up.
        var plans = Sampler.SizePlans(symbols.Select(q => q.Shape), dims);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var s = seed + 1000 * attempt;
            try
            {
                var b = Sampler.Sample(symbols, s, plans[(attempt / 2) % plans.Count]);
                Sampler.ScaleForPowers([f.Expr, gradient], b);
                // Central differences cannot resolve a derivative below f's own evaluation error / h: such an instance
                // checks nothing (ln det X⁴⁰ evaluated through X⁴⁰), so another is drawn.
                var x0 = b[x.Name];
                var h = 1e-5 * Math.Max(1, x0.FrobeniusNorm());
                var g = Evaluator.Evaluate(gradient, b, f.Source);
                // The scale a difference quotient must resolve: the gradient's entries, but never below the rounding floor
                // the check measures against (a zero gradient of a constant function is checked against that floor: the
                // quotients must vanish to within it, which a nonzero derivative would not).
                var reference = Math.Max(g.FrobeniusNorm() / Math.Sqrt(g.RowCount * g.ColumnCount), Floor(Evaluator.EvaluateScalar(f.Expr, b, f.Source), h));
                if (10 * NoiseOf(f, b) / (h / 100) > 1e-2 * reference)
                {
                    illConditioned++;
                    continue;
                }
                var report = RunOn(f, x, gradient, b, s);
                if (report.Unresolved)
                {
                    unresolved++;
                    continue;
                }
                return report;
            }
            catch (MatcalcException ex) when (ex.Diagnostics.All(d => d.Id.StartsWith("MC3", StringComparison.Ordinal)))
            {
                last = ex;
            }
        }
        if (illConditioned + unresolved > 0)
        {
            var why = new List<string>();
            if (illConditioned > 0) why.Add($"on {illConditioned} of the instances tried, f itself cannot be evaluated accurately enough for finite differences (its formula amplifies rounding errors beyond what a difference quotient can resolve)");
            if (unresolved > 0) why.Add($"on {unresolved}, f varies too fast for any step (its difference quotients do not converge, as for sin of an argument in the billions)");
            return new CheckReport(false, double.NaN, Tolerance, seed, new Dictionary<string, int>(), 0, false,
                $"not checked numerically: {string.Join("; ", why)}; the rules of the derivation are each checked in the test suite")
            { Skipped = true };
        }
        throw new MatcalcException(f.Source, last!.Diagnostics.Select(d => d with
        {
            Message = "The numerical check found no valid random instance in 8 tries over every size assignment: " + d.Message,
        }).ToList());
    }

    public static CheckReport RunOn(Expression f, Symbol x, Expr gradient, Bindings b, int seed)
    {
        var g = Evaluator.Evaluate(gradient, b, f.Source);
        var x0 = b[x.Name];
        var random = new Random(seed * 7919 + 17);
        var scale = Math.Max(1, x0.FrobeniusNorm());
        var h = 1e-5 * scale;
        var F = Stepped(f, At(f, x, b));
        var f0 = F(x0);
        var worst = 0.0;
        var unresolved = false;
        double? noise = null; // f's rounding error here, measured only when a gradient is about to fail
        var structure = Structure.Of(x);
        const int directions = 3;
        for (var k = 0; k < directions; k++)
        {
            // A structured variable (symmetric, diagonal) is moved only in directions with its structure.
            var hdir = Structure.Project(structure, Matrix<double>.Build.Dense(x0.RowCount, x0.ColumnCount, (_, _) => Sampler.Normal(random)));
            hdir /= hdir.FrobeniusNorm();
            var an = g.PointwiseMultiply(hdir).Enumerate().Sum();
            // Strongly curved functions need a smaller step: the best of h, h/10, h/100 (truncation falls 100× per step,
            // rounding grows 10×), so a right gradient is not failed by the step size.
            var best = double.PositiveInfinity;
            var settled = false;
            foreach (var step in Steps(h))
            {
                // Below h/100 only for a gradient far above the rounding floor there (cos of an argument in the
                // thousands): a smaller step raises the floor, which must not let a small wrong gradient pass.
                if (step < h / 100 * 0.99 && Floor(f0, step) > 1e-3 * Math.Abs(an)) break;
                var fd = (F(x0 + step * hdir) - F(x0 - step * hdir)) / (2 * step);
                // f finite but its difference not (X^-1000 near X): this instance can check nothing; another is drawn.
                if (!double.IsFinite(fd) || !double.IsFinite(an))
                    throw new MatcalcException(f.Source, Diagnostic.Error("MC3008", new TextSpan(0, f.Source.Length),
                        "The difference quotient of f overflows at this instance.", "Choose other values, or a function that does not overflow."));
                best = Math.Min(best, Relative(fd, an, Floor(f0, step)));
                if (best <= Tolerance) break;
                // Richardson extrapolation (4 D(h/2) − D(h)) / 3 cancels the h² term of the truncation error: a strongly
                // curved f (cos(tr((t S Yᵀ)⁶)), whose argument is in the thousands) is resolved without a smaller step.
                var half = (F(x0 + step / 2 * hdir) - F(x0 - step / 2 * hdir)) / step;
                if (double.IsFinite(half)) best = Math.Min(best, Relative((4 * half - fd) / 3, an, Floor(f0, step / 2)));
                if (best <= Tolerance) break;
                // Only a step where the quotients have converged can fail a gradient (see Converged).
                if (!settled && double.IsFinite(half))
                {
                    var (plus, minus) = (F(x0 + step / 4 * hdir), F(x0 - step / 4 * hdir));
                    var quarter = (plus - minus) / (step / 2);
                    var rounding = Math.Max(Floor(f0, step / 4) * Tolerance, 10 * (noise ??= NoiseOf(f, b)) / (step / 4));
                    settled = Converged(fd, half, quarter, rounding, Floor(f0, step / 4))
                              && Math.Abs(plus + minus - 2 * f0) <= 0.1 * Math.Abs(plus - minus) + rounding * step;
                }
            }
            if (best > Tolerance && !settled) unresolved = true;
            worst = Math.Max(worst, best);
        }
        var entrywise = x0.RowCount * x0.ColumnCount <= MaxEntrywise;
        if (entrywise)
        {
            var bestEntrywise = double.PositiveInfinity;
            Matrix<double> Quotients(double step)
            {
                var fdG = Matrix<double>.Build.Dense(x0.RowCount, x0.ColumnCount);
                for (var i = 0; i < x0.RowCount; i++)
                    for (var j = 0; j < x0.ColumnCount; j++)
                    {
                        // Symmetric: E_ij + E_ji measures 2 sym(G)_ij off the diagonal; diagonal: only E_ii moves.
                        if (structure == VariableStructure.Symmetric && j < i) { fdG[i, j] = fdG[j, i]; continue; }
                        if (structure == VariableStructure.Diagonal && j != i) continue;
                        var e = Matrix<double>.Build.Dense(x0.RowCount, x0.ColumnCount);
                        e[i, j] = 1;
                        if (structure == VariableStructure.Symmetric) e[j, i] = 1;
                        fdG[i, j] = (F(x0 + step * e) - F(x0 - step * e)) / (2 * step) / (structure == VariableStructure.Symmetric && i != j ? 2 : 1);
                    }
                return fdG;
            }
            double Error(Matrix<double> fdG, double step) =>
                (fdG - g).FrobeniusNorm() / Math.Max(Math.Max(fdG.FrobeniusNorm(), g.FrobeniusNorm()), Floor(f0, step) * Math.Sqrt(fdG.RowCount * fdG.ColumnCount));
            var settledEntrywise = false;
            foreach (var step in Steps(h))
            {
                if (step < h / 100 * 0.99 && Floor(f0, step) * Math.Sqrt(g.RowCount * g.ColumnCount) > 1e-3 * g.FrobeniusNorm()) break;
                var fdG = Quotients(step);
                if (!fdG.Enumerate().All(double.IsFinite))
                    throw new MatcalcException(f.Source, Diagnostic.Error("MC3008", new TextSpan(0, f.Source.Length),
                        "The difference quotient of f overflows at this instance.", "Choose other values, or a function that does not overflow."));
                bestEntrywise = Math.Min(bestEntrywise, Error(fdG, step));
                if (bestEntrywise <= Tolerance) break;
                var half = Quotients(step / 2);
                var halfFinite = half.Enumerate().All(double.IsFinite);
                if (halfFinite) bestEntrywise = Math.Min(bestEntrywise, Error((4 * half - fdG) / 3, step / 2));
                if (bestEntrywise <= Tolerance) break;
                if (!settledEntrywise && halfFinite)
                {
                    var quarter = Quotients(step / 4);
                    var entries = Math.Sqrt(g.RowCount * g.ColumnCount);
                    settledEntrywise = quarter.Enumerate().All(double.IsFinite) && Converged(fdG.FrobeniusNorm(), (half - fdG).FrobeniusNorm(), (quarter - half).FrobeniusNorm(), quarter.FrobeniusNorm(),
                        entries * Math.Max(Floor(f0, step / 4) * Tolerance, 10 * (noise ??= NoiseOf(f, b)) / (step / 4)), entries * Floor(f0, step / 4));
                }
            }
            if (bestEntrywise > Tolerance && !settledEntrywise) unresolved = true;
            worst = Math.Max(worst, bestEntrywise);
        }
        var passed = worst <= Tolerance && double.IsFinite(worst);
        var sizes = b.Sizes.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value);
        var sizeText = string.Join(", ", sizes.Select(p => $"{p.Key}={p.Value}"));
        var summary = $"{(passed ? "passed" : "FAILED")}: relative error {worst.ToString("0.0e+0", CultureInfo.InvariantCulture)} " +
                      $"(tolerance {Tolerance.ToString("0e+0", CultureInfo.InvariantCulture)}) on a random instance (seed {seed}{(sizeText.Length > 0 ? ", " + sizeText : "")}), " +
                      $"{directions} directions{(entrywise ? " and every entry" : "")}";
        return new CheckReport(passed, worst, Tolerance, seed, sizes, directions, entrywise, summary) { Unresolved = !passed && unresolved };
    }

    /// <summary>
    /// Whether central differences at h, h/2, h/4 (d0, d1, d2) have converged, so that a disagreement with a gradient is
    /// real: the last two agree to 1e-3 of their size (never below the rounding floor), the rounding error of the last
    /// (<paramref name="rounding"/>) is below that, and the differences shrink (as truncation does, by 4 per halving) unless
    /// already at the rounding level. Quotients of a function that oscillates faster than the step (sin(exp(‖W + C‖²)) at
    /// an argument of 10⁹) jump about and do not converge: such an instance can neither pass nor fail a gradient.
    /// </summary>
    private static bool Converged(double d0, double d1, double d2, double rounding, double floor) =>
        Converged(Math.Abs(d0), Math.Abs(d1 - d0), Math.Abs(d2 - d1), Math.Abs(d2), rounding, floor);

    private static bool Converged(double size0, double diff01, double diff12, double size2, double rounding, double floor)
    {
        var scale = Math.Max(Math.Max(size0, size2), floor);
        return diff12 <= 1e-3 * scale && rounding <= 1e-3 * scale && (diff12 <= 0.5 * diff01 || diff01 <= 1e-3 * scale);
    }

    /// <summary>
    /// A guard for verdicts: the derived gradient must match central differences of f along two random directions on the
    /// instance a verdict compares on; if it does not, the engine is wrong and no verdict may be given (MC3010).
    /// </summary>
    public static void RequireAgreement(Expression f, Symbol x, Expr gradient, Bindings b)
    {
        var g = Evaluator.Evaluate(gradient, b, f.Source);
        var x0 = b[x.Name];
        var random = new Random(x0.RowCount * 131 + x0.ColumnCount);
        var h = 1e-5 * Math.Max(1, x0.FrobeniusNorm());
        var at = At(f, x, b);
        // A point a step away where f overflows (a power too high for finite differences) concludes nothing.
        double F(Matrix<double> m)
        {
            try { return at(m); }
            catch (MatcalcException ex) when (ex.Diagnostics.All(d => d.Id == "MC3008")) { return double.NaN; }
        }
        // A difference quotient cannot resolve less than about noise/h, so an ill-conditioned f (ln det X⁴⁰) does not
        // get the engine blamed: where f's own evaluation error is unbounded, nothing is concluded.
        var noise = NoiseOf(f, b);
        if (!double.IsFinite(noise)) return;
        var f0 = F(x0);
        for (var k = 0; k < 2; k++)
        {
            var dir = Structure.Project(Structure.Of(x), Matrix<double>.Build.Dense(x0.RowCount, x0.ColumnCount, (_, _) => Sampler.Normal(random)));
            dir /= dir.FrobeniusNorm();
            var an = g.PointwiseMultiply(dir).Enumerate().Sum();
            var best = double.PositiveInfinity;
            foreach (var step in Steps(h))
            {
                var resolvable = 10 * noise / step;
                if (step < h / 100 * 0.99 && resolvable > 1e-3 * Math.Abs(an)) break;
                var fd = (F(x0 + step * dir) - F(x0 - step * dir)) / (2 * step);
                // Richardson extrapolation, as in the check: a strongly curved f is resolved without a smaller step.
                var half = (F(x0 + step / 2 * dir) - F(x0 - step / 2 * dir)) / step;
                var (plus, minus) = (F(x0 + step / 4 * dir), F(x0 - step / 4 * dir));
                var quarter = (plus - minus) / (step / 2);
                if (!double.IsFinite(fd) || !double.IsFinite(half) || !double.IsFinite(quarter)) continue;
                // Only a step whose quotients have converged can blame the engine: where truncation still dominates
                // (tr(X^1000000000), sin(exp(‖W + C‖²)): a step changes f by far more than its slope) nothing is concluded.
                if (!Converged(fd, half, quarter, 4 * resolvable, 1e-300)) continue;
                // …and where f is smooth at that scale: its second difference small beside its first (f on both sides far
                // from f(x) — an underflowing X^k — gives quotients that agree and mean nothing).
                if (Math.Abs(plus + minus - 2 * f0) > 0.1 * Math.Abs(plus - minus) + 100 * noise) continue;
                var rich = (4 * half - fd) / 3;
                best = Math.Min(best, Math.Max(0, Math.Abs(fd - an) - resolvable) / Math.Max(Math.Max(Math.Abs(fd), Math.Abs(an)), 1e-300));
                best = Math.Min(best, Math.Max(0, Math.Abs(rich - an) - 3 * resolvable) / Math.Max(Math.Max(Math.Abs(rich), Math.Abs(an)), 1e-300));
            }
            if (!double.IsFinite(best)) continue; // f blows up nearby, or no step settled: nothing to conclude from this direction
            if (best > 1e-4)
                throw new MatcalcException(f.Source, Diagnostic.Error("MC3010", new TextSpan(0, f.Source.Length),
                    $"The derived gradient fails its own finite-difference check on an instance (relative error {best.ToString("0.0e+0", CultureInfo.InvariantCulture)}), so no verdict is given.",
                    "This is a bug in NotebookCalc: please report the function and the declarations."));
        }
    }

    /// <summary>
    /// The steps tried, largest first, until one agrees: h, h/10, h/100 for every function (truncation falls 100× per
    /// step, rounding grows 10×), then h/1000 and h/10⁴ for a strongly curved one whose gradient is large enough that the
    /// rounding error of the smaller steps cannot matter (the callers stop there otherwise).
    /// </summary>
    private static double[] Steps(double h) => [h, h / 10, h / 100, h / 1000, h / 10_000];

    /// <summary>
    /// f at points a step away from the instance: a power too high for finite differences (tr(X^1000000000), whose value a
    /// step h away is e^(k·h) times larger) overflows there although the instance was chosen for it — said so, with what to do.
    /// </summary>
    private static Func<Matrix<double>, double> Stepped(Expression f, Func<Matrix<double>, double> at) => m =>
    {
        try { return at(m); }
        catch (MatcalcException ex) when (ex.Diagnostics.Any(d => d.Id == "MC3008"))
        {
            throw new MatcalcException(f.Source, Diagnostic.Error("MC3008", new TextSpan(0, f.Source.Length),
                $"f cannot be evaluated a finite-difference step away from the instance: {ex.Diagnostics[0].Message}",
                "Finite differences cannot check a power this high (a step h changes it by a factor e^(k·h)); check a lower power — the rule is the same for every k — or leave the numerical check out (--check off)."));
        }
    };

    /// <summary>f as a function of the variable alone, the other symbols held at their values in <paramref name="b"/>.</summary>
    private static Func<Matrix<double>, double> At(Expression f, Symbol x, Bindings b) => at =>
    {
        var copy = b.Clone();
        copy.Set(x.Name, at);
        return Evaluator.EvaluateScalar(f.Expr, copy, f.Source);
    };

    /// <summary>
    /// How much rounding error the evaluation of f carries at this instance (Monte Carlo arithmetic: every intermediate
    /// result perturbed by a relative 1e-10, three times; 100·ε per unit of the largest movement); infinite when a
    /// perturbed evaluation leaves f's domain.
    /// </summary>
    public static double NoiseOf(Expression f, Bindings b)
    {
        var f0 = Evaluator.EvaluateScalar(f.Expr, b, f.Source);
        var worst = 0.0;
        for (var k = 0; k < 3; k++)
        {
            try { worst = Math.Max(worst, Math.Abs(Evaluator.EvaluatePerturbed(f.Expr, b, 1e-10, 7 + k, f.Source)[0, 0] - f0)); }
            catch (MatcalcException) { return double.PositiveInfinity; }
        }
        return double.IsFinite(worst) ? 100 * 2.2e-16 * worst / 1e-10 + 2.2e-16 * Math.Abs(f0) : double.PositiveInfinity;
    }

    /// <summary>
    /// The smallest derivative that central differences can resolve: their rounding noise is about ε·|f|/h; a derivative
    /// below a thousand times that is measured against this floor (so a zero gradient of a constant function passes).
    /// </summary>
    private static double Floor(double f0, double h) => 1e3 * 2.2e-16 * (1 + Math.Abs(f0)) / h / Tolerance;

    private static double Relative(double fd, double an, double floor) =>
        Math.Abs(fd - an) / Math.Max(Math.Max(Math.Abs(fd), Math.Abs(an)), floor);
}
