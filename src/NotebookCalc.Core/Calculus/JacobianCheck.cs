using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

namespace NotebookCalc.Calculus;

public static class JacobianCheck
{
    public const double Tolerance = 1e-6;

    public static JacobianCheckReport Run(Expression f, Symbol x, Symbol h, Expr map, int seed = 1, IReadOnlyDictionary<string, int>? dims = null)
    {
        if (f.Expr.DescendantsAndSelf().Any(e => e is OpaqueCall) || map.DescendantsAndSelf().Any(e => e is JacobianApply or JacobianAdjoint))
            return new JacobianCheckReport(false, double.NaN, Tolerance, seed, new Dictionary<string, int>(), 0, false,
                "not checked numerically: the function contains an opaque function, which has no numeric value") { Skipped = true };
        var symbols = HessianCheck.SymbolsOf(f, h, map);
        var plans = Sampler.SizePlans(symbols.Select(q => q.Shape), dims);
        MatcalcException? last = null;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var s = seed + 1000 * attempt;
            try { return RunOn(f, x, h, map, Sampler.Sample(symbols, s, plans[(attempt / 2) % plans.Count]), s); }
            catch (MatcalcException ex) when (ex.Diagnostics.All(d => d.Id.StartsWith("MC3", StringComparison.Ordinal))) { last = ex; }
        }
        throw new MatcalcException(f.Source, last!.Diagnostics.Select(d => d with
        {
            Message = "The numerical check of the Jacobian found no valid random instance in 8 tries over every size assignment: " + d.Message,
        }).ToList());
    }

    public static JacobianCheckReport RunOn(Expression f, Symbol x, Symbol h, Expr map, Bindings b, int seed)
    {
        var x0 = b[x.Name];
        var structure = Structure.Of(x);
        var random = new Random(seed * 7919 + 31);
        const int directions = 3;
        var worst = 0.0;
        for (var k = 0; k < directions; k++)
            worst = Math.Max(worst, HessianCheck.DirectionError(f, x, h, f.Expr, map, b, HessianCheck.RandomDirection(random, x0.RowCount, x0.ColumnCount, structure), projectOutput: false));
        var columns = x0.RowCount * x0.ColumnCount <= HessianCheck.MaxColumns;
        if (columns) worst = Math.Max(worst, HessianCheck.ColumnsError(f, x, h, f.Expr, map, b, structure, projectOutput: false));
        var passed = double.IsFinite(worst) && worst <= Tolerance;
        var sizes = b.Sizes.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value);
        var sizeText = string.Join(", ", sizes.Select(p => $"{p.Key}={p.Value}"));
        var summary = $"{(passed ? "passed" : "FAILED")}: relative error {worst.ToString("0.0e+0", CultureInfo.InvariantCulture)} against central differences of F " +
                      $"(tolerance {Tolerance.ToString("0e+0", CultureInfo.InvariantCulture)}) on a random instance (seed {seed}{(sizeText.Length > 0 ? ", " + sizeText : "")}), " +
                      $"{directions} directions{(columns ? " and every column of the vec Jacobian" : "")}";
        return new JacobianCheckReport(passed, worst, Tolerance, seed, sizes, directions, columns, summary);
    }
}
