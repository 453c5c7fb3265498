using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;
using NotebookCalc.Semantics;
namespace NotebookCalc.Expressions;

/// <summary>
/// Exact fractions for exponents and coefficients: a double that is within rounding of p/q with a small q is that
/// fraction (1/3 − 1 + 1 computed in floating point is 0.33333333333333326; it is shown, and combined, as 1/3).
/// </summary>
public static class Rational
{
    public const long MaxDenominator = 1000;

    /// <summary>p/q in lowest terms with 1 ≤ q ≤ <see cref="MaxDenominator"/>, when v is that fraction up to rounding.</summary>
    public static bool TryGet(double v, out long p, out long q)
    {
        p = 0;
        q = 1;
        if (!double.IsFinite(v) || Math.Abs(v) > 1e9) return false;
        for (long d = 1; d <= MaxDenominator; d++)
        {
            var n = Math.Round(v * d);
            if (Math.Abs(v * d - n) <= 1e-12 * Math.Max(1, Math.Abs(v * d)))
            {
                p = (long)n;
                q = d;
                return true;
            }
        }
        return false;
    }

    /// <summary>v snapped to the nearest small fraction when it is one up to rounding; v itself otherwise.</summary>
    public static double Snap(double v) => TryGet(v, out var p, out var q) ? (double)p / q : v;

    /// <summary>A non-integer fraction: p/q with q &gt; 1.</summary>
    public static bool IsFraction(double v, out long p, out long q) => TryGet(v, out p, out q) && q > 1;
}
