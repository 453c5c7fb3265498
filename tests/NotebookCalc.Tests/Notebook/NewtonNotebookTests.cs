using System.Globalization;
using System.Text.RegularExpressions;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Notebook;

/// <summary>
/// notebooks/newton-logistic-regression.ipynb: the derived logistic-regression gradient and Hessian that its Newton cell
/// evaluates are the textbook Aᵀ(σ(Aw) − y) and Aᵀ diag(σ(1 − σ)) A on data, and the executed notebook shows what its
/// prose says (quadratic against linear convergence, the rate the Hessian predicts, the overflow on separable data, the
/// ridge fix, two charts of the histories).
/// </summary>
public class NewtonNotebookTests
{
    private const string Loss = "sum(log(1 + exp(A w))) - y' A w";

    [Fact]
    public void The_derived_gradient_and_Hessian_are_the_textbook_ones_on_data_and_the_Hessian_is_positive_semidefinite()
    {
        var f = MatCalc.Parse(Loss, "A: N x d; w: d; y: N");
        var gradient = MatCalc.Gradient(f, "w", new GradientOptions { Check = false });
        var hessian = MatCalc.Hessian(f, "w", new GradientOptions { Check = false });
        var random = new Random(5);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        for (var trial = 0; trial < 3; trial++)
        {
            var (n, d) = (30 + 7 * trial, 2 + trial);
            var a = Matrix<double>.Build.Dense(n, d, (_, _) => Normal());
            var y = Matrix<double>.Build.Dense(n, 1, (_, _) => random.NextDouble() < 0.5 ? 0 : 1);
            var w = Matrix<double>.Build.Dense(d, 1, (_, _) => Normal());
            var at = new Dictionary<string, Matrix<double>> { ["A"] = a, ["y"] = y, ["w"] = w };
            var s = (a * w).Map(t => 1 / (1 + Math.Exp(-t)));
            var textbookGradient = a.TransposeThisAndMultiply(s - y);
            var textbookHessian = a.TransposeThisAndMultiply(Matrix<double>.Build.Diagonal(s.Column(0).PointwiseMultiply(1 - s.Column(0)).ToArray()) * a);
            var g = MatCalc.EvaluateAt(gradient, at);
            var h = MatCalc.HessianAt(hessian, at);
            Assert.True((g - textbookGradient).FrobeniusNorm() <= 1e-12 * textbookGradient.FrobeniusNorm());
            Assert.True((h - textbookHessian).FrobeniusNorm() <= 1e-12 * textbookHessian.FrobeniusNorm());
            // Column j of the Hessian against a central difference of the textbook gradient along e_j.
            for (var j = 0; j < d; j++)
            {
                var e = Matrix<double>.Build.Dense(d, 1);
                e[j, 0] = 1e-5;
                Matrix<double> G(Matrix<double> v) => a.TransposeThisAndMultiply((a * v).Map(t => 1 / (1 + Math.Exp(-t))) - y);
                var column = (G(w + e) - G(w - e)) / 2e-5;
                Assert.True((column.Column(0) - h.Column(j)).L2Norm() <= 1e-7 * Math.Max(1, h.FrobeniusNorm()));
            }
            Assert.True(h.Evd().EigenValues.All(c => c.Real >= -1e-12 && Math.Abs(c.Imaginary) < 1e-12));
        }
    }

    [Fact]
    public void The_notebook_shows_quadratic_against_linear_convergence_the_predicted_rate_and_the_separable_failure()
    {
        var path = Path.Combine(Katex.RepoRoot(), "notebooks", "newton-logistic-regression.ipynb");
        var run = NotebookCalc.Cli.NotebookRenderer.Execute(File.ReadAllText(path), "newton");
        var text = string.Join("\n", run.Outputs.SelectMany(o => o).Select(o => o.Plain));
        Assert.DoesNotContain("C# cell failed", text);
        static double Number(string s) => double.Parse(s, CultureInfo.InvariantCulture);

        var newton = Regex.Match(text, @"Newton's w = \(([-\d.]+), ([-\d.]+), ([-\d.]+)\) after (\d+) steps");
        var descent = Regex.Match(text, @"gradient descent: (\d+) steps to ‖∇ℓ‖ < 1e-12, ending at \(([-\d.]+), ([-\d.]+), ([-\d.]+)\)");
        Assert.True(newton.Success && descent.Success, text);
        var newtonSteps = int.Parse(newton.Groups[4].Value, CultureInfo.InvariantCulture);
        Assert.InRange(newtonSteps, 4, 10);
        Assert.True(int.Parse(descent.Groups[1].Value, CultureInfo.InvariantCulture) > 10 * newtonSteps);
        for (var i = 1; i <= 3; i++) Assert.Equal(newton.Groups[i].Value, descent.Groups[i + 1].Value); // the same minimiser

        // Quadratic: the ratio ‖g_k‖/‖g_k−1‖² settles (two consecutive ratios within 10 %) while ‖g_k‖ drops below 1e-9.
        var rows = Regex.Matches(text, @"^\s+(\d+)\s+[\d.]+\s+(\d\.\d\de[+-]\d\d)(?:\s+(\d\.\d\de[+-]\d\d))?\s*$", RegexOptions.Multiline)
            .Select(m => (K: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Norm: Number(m.Groups[2].Value),
                Ratio: m.Groups[3].Success ? Number(m.Groups[3].Value) : double.NaN)).ToList();
        Assert.Equal(newtonSteps + 1, rows.Count);
        var settled = rows.Zip(rows.Skip(1)).Any(p => p.Second.Norm < 1e-9 && Math.Abs(p.Second.Ratio / p.First.Ratio - 1) < 0.1);
        Assert.True(settled, string.Join("\n", rows));

        // Linear: gradient descent's last ratio is the 1 − λmin/L the Hessian predicts.
        var rate = Regex.Match(text, @"last ratio .* = ([\d.]+); 1 − λmin/L = ([\d.]+)");
        Assert.True(rate.Success);
        Assert.Equal(Number(rate.Groups[2].Value), Number(rate.Groups[1].Value), 2);

        // Separable data: no minimiser — the iterates run off (‖w‖ past 200 after 30 steps, still growing by a step of
        // about ten); the ridge term converges.
        var runaway = Regex.Match(text, @"after 30 steps: ‖w‖ = (\d+\.\d), still growing by (\d+\.\d) per step");
        Assert.True(runaway.Success, text);
        Assert.True(Number(runaway.Groups[1].Value) > 200);
        Assert.InRange(Number(runaway.Groups[2].Value), 5, 20);
        var ridge = Regex.Match(text, @"ridge, λ = 0\.1: ‖∇ℓᵣ‖ = (.*)");
        Assert.True(ridge.Success);
        var ridgeNorms = ridge.Groups[1].Value.Split(", ").Select(Number).ToList();
        Assert.InRange(ridgeNorms.Count, 4, 12);
        Assert.True(ridgeNorms[^1] < 1e-12);

        // Two charts of the histories (and the plot line cell's): log axes, drawn with the page's plotly.js.
        Assert.True(run.HasCharts);
        Assert.Equal(3, Regex.Matches(run.Page, "<div class=\"mc-chart\"").Count);
        Assert.Contains("chart: ‖∇ℓ(wₖ)‖ against iteration k (log scale)", text);
        Assert.Contains("chart: ‖∇ℓ(wₖ₊₁)‖ against ‖∇ℓ(wₖ)‖ (log-log scale)", text);
    }
}
