using CsCheck;
using NotebookCalc.Calculus;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Tests.Support;
using NotebookCalc.Text;

namespace NotebookCalc.Tests.Calculus;

/// <summary>Properties over generated well-shaped expressions (CsCheck).</summary>
public class GradientPropertyTests
{
    private static readonly string[] Variables = ["C", "A", "x", "S", "s", "P"];

    /// <summary>Instances where the function is undefined (log of a negative entry, a singular matrix) are skipped.</summary>
    private static bool Defined(Action a)
    {
        try { a(); return true; }
        catch (MatcalcException ex) when (ex.Diagnostics.All(d => d.Id.StartsWith("MC3", StringComparison.Ordinal))) { return false; }
    }

    [Fact]
    public void Simplification_preserves_the_value()
    {
        var checkedCount = 0;
        ExprGen.ForAll(e =>
        {
            // sign() is discontinuous: rounding can flip it between algebraically equal forms (det(s 11ᵀ) = 0 vs 1e-17).
            if (e.DescendantsAndSelf().Any(n => n is Elementwise { Fn: ElementwiseFn.Sign })) return;
            var simplified = Simplifier.Simplify(e);
            Assert.Equal(e.Shape, simplified.Shape);
            var symbols = e.DescendantsAndSelf().OfType<Symbol>().DistinctBy(s => s.Name).ToList();
            var b = Sampler.Sample(symbols, 5);
            double[] before = [];
            if (!Defined(() => before = Evaluator.Evaluate(e, b).ToColumnMajorArray())) return;
            var after = Evaluator.Evaluate(simplified, b).ToColumnMajorArray();
            var scale = Math.Max(1, before.Max(Math.Abs));
            if (!double.IsFinite(scale) || scale > 1e8) return;
            checkedCount++;
            for (var i = 0; i < before.Length; i++)
                Assert.True(Math.Abs(before[i] - after[i]) <= 1e-6 * scale, $"{TextPrinter.Print(e)}\n  simplified to {TextPrinter.Print(simplified)}\n  {before[i]} vs {after[i]}");
        }, iter: 1500);
        Assert.True(checkedCount > 300, $"only {checkedCount} expressions could be evaluated");
    }

    [Fact]
    public void Gradients_match_finite_differences_and_print_back()
    {
        var checkedCount = 0;
        ExprGen.ForAllScalar(e =>
        {
            var symbols = e.DescendantsAndSelf().OfType<Symbol>().Select(s => s.Name).ToHashSet();
            var wrt = Variables.FirstOrDefault(symbols.Contains);
            if (wrt is null) return;
            var f = MatCalc.Parse(TextPrinter.Print(e), ExprGen.Where);
            var r = MatCalc.Gradient(f, wrt, new GradientOptions { Check = false });
            // print-then-parse round-trips the gradient
            Assert.Equal(r.Gradient, MatCalc.Parse(TextPrinter.Print(r.Gradient), ExprGen.Where).Expr);
            var x = r.Variable;
            var b = Sampler.Sample(f.Symbols, 11);
            CheckReport? report = null;
            if (!Defined(() => report = GradientCheck.RunOn(f, x, r.Gradient, b, 11))) return;
            // Skip instances where f is numerically wild (huge values make finite differences meaningless).
            var fv = Evaluator.EvaluateScalar(f.Expr, b);
            if (!double.IsFinite(fv) || Math.Abs(fv) > 1e6 || e.DescendantsAndSelf().Any(n => n is Elementwise { Fn: ElementwiseFn.Abs or ElementwiseFn.Sign } or Norm { Kind: NormKind.One })) return;
            // Functions that oscillate faster than finite differences can resolve (sin of a quartic) are not evidence.
            var gv = Evaluator.Evaluate(r.Gradient, b);
            if (gv.FrobeniusNorm() * Math.Max(1, b[x.Name].FrobeniusNorm()) > 1e4 * (1 + Math.Abs(fv))) return;
            checkedCount++;
            Assert.True(report!.RelativeError < 1e-4, $"f = {f.Text}, wrt {wrt}\n  ∂f = {TextPrinter.Print(r.Gradient)}\n  {report.Summary}");
        }, iter: 800);
        Assert.True(checkedCount > 150, $"only {checkedCount} gradients could be checked");
    }
}
