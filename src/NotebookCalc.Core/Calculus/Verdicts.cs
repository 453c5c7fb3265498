using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Numerics;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

namespace NotebookCalc.Calculus;

/// <summary>
/// Decides numerically whether two formulas for the same matrix are equal: on instances that differ in the concrete size
/// of every free dimension (several size assignments, never all sizes equal) and in the structure of the sampled matrices,
/// with a tolerance sized by how much each formula amplifies rounding errors on that instance (Monte Carlo arithmetic).
/// An instance too ill-conditioned to tell (tolerance above <see cref="MaxTolerance"/>) is skipped; "equal" needs at least
/// two instances with a tolerance below <see cref="DecisiveTolerance"/>.
/// </summary>
public static class Verdicts
{
    public const double BaseTolerance = 1e-8;
    public const double DecisiveTolerance = 1e-6;
    public const double MaxTolerance = 1e-3;
    private const double Eta = 1e-10;

    /// <summary>The largest absolute rounding error under which two values that are both within it of zero count as equal.</summary>
    public const double ZeroTolerance = 1e-9;
    private const int Assignments = 3;
    private const int PerAssignment = 2;
    private const int DrawsPerAssignment = 6;

    public sealed record Outcome(Counterexample? Counter, VerdictBasis Basis, MatcalcException? LastFailure)
    {
        /// <summary>
        /// No counterexample, at least two well-conditioned instances, and at least two size assignments whenever the
        /// dimensions are free to take more than one (a claim that hard-codes a size matches at one size only).
        /// </summary>
        public bool Equal => Counter is null && Basis.Decisive >= Math.Min(2, Basis.Instances.Count) && Basis.Decisive > 0
                             && Basis.SizeAssignments >= Math.Min(2, Basis.AssignmentsAvailable);
    }

    public static string Format(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.0e+0", CultureInfo.InvariantCulture);

    /// <summary>
    /// Compares <paramref name="truth"/> and <paramref name="claim"/>. <paramref name="validate"/>, when given, is run on
    /// every instance before it counts (the verdict uses it to check the derived gradient against finite differences).
    /// </summary>
    public static Outcome Compare(IReadOnlyList<Symbol> symbols, Expr truth, Expr claim, string source, int seed,
        IReadOnlyDictionary<string, int>? dims, bool symbolicallyEqual = false, Action<Bindings>? validate = null)
    {
        var plans = Sampler.SizePlans(symbols.Select(s => s.Shape), dims);
        var instances = new List<VerdictInstance>();
        var (assignments, skipped) = (0, 0);
        MatcalcException? last = null;
        VerdictBasis Basis() => new(instances.ToList(), assignments, skipped, symbolicallyEqual, plans.Count);
        for (var p = 0; p < plans.Count && assignments < Assignments; p++)
        {
            var got = 0;
            for (var d = 0; d < DrawsPerAssignment && got < PerAssignment; d++)
            {
                var s = seed + 7919 * p + d;
                var variant = p + d;
                Bindings b;
                Matrix<double> expected, claimed;
                try
                {
                    b = Sampler.Sample(symbols, s, plans[p], variant: variant);
                    Sampler.ScaleForPowers([truth, claim], b);
                    expected = Evaluator.Evaluate(truth, b, source);
                    claimed = Evaluator.Evaluate(claim, b, source);
                    validate?.Invoke(b);
                }
                catch (MatcalcException ex) when (ex.Diagnostics.All(x => x.Id.StartsWith("MC3", StringComparison.Ordinal) && x.Id != "MC3010"))
                {
                    last = ex;
                    continue;
                }
                if (!Finite(expected) || !Finite(claimed)) { skipped++; continue; }
                var tolerance = ToleranceFor(truth, expected, b, s, source) + ToleranceFor(claim, claimed, b, s + 1, source);
                var scale = Math.Max(expected.FrobeniusNorm(), claimed.FrobeniusNorm());
                var relTolerance = scale == 0 ? BaseTolerance : Math.Max(BaseTolerance, tolerance / scale);
                var relative = scale == 0 ? 0 : (expected - claimed).FrobeniusNorm() / scale;
                // Both vanish to within their rounding error, and that error is small (entries of the instances are of
                // order 1): the zero gradient of a constant function, written as terms that cancel (diag(−M) + diag(M)),
                // and a claim of 0 are equal — a relative error of values that are both rounding noise means nothing.
                if (scale <= tolerance && tolerance <= ZeroTolerance) (relative, relTolerance) = (0, BaseTolerance);
                if (relTolerance > MaxTolerance) { skipped++; continue; }
                got++;
                var sizes = b.Sizes.OrderBy(q => q.Key, StringComparer.Ordinal).ToDictionary(q => q.Key, q => q.Value);
                instances.Add(new VerdictInstance(s, variant, sizes, relative, relTolerance));
                if (relative > relTolerance)
                {
                    if (got == 1) assignments++;
                    return new Outcome(Counter(s, b, expected, claimed, relTolerance * scale), Basis(), last);
                }
            }
            if (got > 0) assignments++;
        }
        return new Outcome(null, Basis(), last);
    }

    /// <summary>
    /// The absolute error this formula's evaluation may carry here: 100·ε times how far the result moves per unit of
    /// relative noise injected into every intermediate result (infinite when a perturbed evaluation fails).
    /// </summary>
    private static double ToleranceFor(Expr e, Matrix<double> value, Bindings b, int seed, string source)
    {
        var amplification = 0.0;
        for (var k = 0; k < 2; k++)
        {
            try
            {
                var noisy = Evaluator.EvaluatePerturbed(e, b, Eta, seed * 31 + k, source);
                amplification = Math.Max(amplification, (noisy - value).FrobeniusNorm() / Eta);
            }
            catch (MatcalcException) { return double.PositiveInfinity; }
        }
        return double.IsFinite(amplification) ? 100 * 2.2e-16 * amplification : double.PositiveInfinity;
    }

    private static bool Finite(Matrix<double> m) => m.Enumerate().All(double.IsFinite);

    private static Counterexample Counter(int seed, Bindings b, Matrix<double> expected, Matrix<double> claimed, double absTolerance)
    {
        var entries = new List<(int, int, double, double)>();
        for (var i = 0; i < expected.RowCount; i++)
            for (var j = 0; j < expected.ColumnCount; j++)
                if (Math.Abs(expected[i, j] - claimed[i, j]) > absTolerance) entries.Add((i, j, expected[i, j], claimed[i, j]));
        var top = entries.OrderByDescending(e => Math.Abs(e.Item3 - e.Item4)).Take(5).ToList();
        return new Counterexample(seed, b.Sizes, b.Values, expected, claimed, top) { Differing = [.. entries.Select(e => (e.Item1, e.Item2))] };
    }
}
