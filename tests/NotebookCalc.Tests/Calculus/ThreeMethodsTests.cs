using CsCheck;
using NotebookCalc.Calculus;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Tests.Support;
using NotebookCalc.Text;

namespace NotebookCalc.Tests.Calculus;

/// <summary>The Gâteaux, index-notation and differential derivations: each checked on its own, and shown to agree.</summary>
public class ThreeMethodsTests
{
    public static TheoryData<string, string, string, string> Seeds => new()
    {
        { "seed000-symmetric", "l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')", "W", "W: n x m; Omega: m x m symmetric invertible; l1, l2: scalar" },
        { "seed000-general", "l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')", "W", "W: n x m; Omega: m x m invertible; l1, l2: scalar" },
        { "seed001-logdet", "ln det(W W' + sigma^2 I)", "W", "W: n x m; sigma: scalar" },
        { "seed001-trace", "tr(Y' (W W' + sigma^2 I) Y)", "W", "W: n x m; Y: n x k; sigma: scalar" },
        { "seed002-U", "norm(W .* (A - U V'))^2", "U", "W: n x m; A: n x m; U: n x k; V: m x k" },
        { "seed002-V-indicator", "norm(W .* (A - U V'))^2", "V", "W: n x m indicator; A: n x m; U: n x k; V: m x k" },
        { "seed003-opaque", "norm(F(w) - beta D' Z)^2", "w", "D: d x m; Z: d x l; F: n x l function of w; w: d x n; beta: n x m" },
        { "seed003-softmax", "norm(softmax(w' B) - beta D' Z)^2", "w", "D: d x m; Z: d x l; B: d x l; w: d x n; beta: n x m" },
        { "seed004-W", "norm(X W Z - X)^2", "W", "X: a x b; W: b x c; Z: c x b" },
        { "seed004-Z", "norm(X W Z - X)^2", "Z", "X: a x b; W: b x c; Z: c x b" },
    };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Each_method_is_checked_and_they_agree(string id, string expr, string wrt, string where)
    {
        var r = MatCalc.Gradient(expr, wrt, where);
        Assert.Equal(MatCalc.MethodNames, r.Methods.Select(m => m.Method));
        foreach (var m in r.Methods)
        {
            if (!m.Succeeded)
            {
                // Only the index method may decline, and only for the opaque function (it says why).
                Assert.Equal(("seed003-opaque", "index"), (id, m.Method));
                Assert.Contains("fourth-order tensor", m.Unsupported);
                continue;
            }
            Assert.True(m.Steps.Count >= 4, $"{id} {m.Method}: too few steps");
            Assert.All(m.Steps, s => Assert.NotEmpty(s.Rules));
            var check = GradientCheck.Run(r.Function, r.Variable, m.Gradient!, seed: 3);
            if (!check.Skipped) Assert.True(check.Passed, $"{id} {m.Method}: {check.Summary}");
        }
        Assert.True(r.Agree, $"{id}: the methods disagree ({r.AgreementBasis})");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Derivations_match_the_golden_files(string id, string expr, string wrt, string where)
    {
        var r = MatCalc.Gradient(expr, wrt, where, new GradientOptions { Seed = 1 });
        var actual = DerivationFormat.Text(r).Replace("\r", "") + "\n";
        var dir = Path.Combine(Katex.RepoRoot(), "tests", "NotebookCalc.Tests", "Golden");
        var path = Path.Combine(dir, id + ".txt");
        if (Environment.GetEnvironmentVariable("MATCALC_UPDATE_GOLDEN") == "1") File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"missing golden file {path}; run the tests with MATCALC_UPDATE_GOLDEN=1 to create it, then review it");
        var expected = File.ReadAllText(path).Replace("\r", "");
        if (expected != actual) File.WriteAllText(Path.ChangeExtension(path, ".received.txt"), actual);
        Assert.True(expected == actual, $"{id}: the derivation changed; review {Path.ChangeExtension(path, ".received.txt")} and copy it over the golden file if the change is intended");
    }

    [Fact]
    public void Latex_of_all_three_derivations_renders_under_katex_strict()
    {
        Assert.True(Katex.IsAvailable(out var reason), reason);
        var latex = new List<string>();
        foreach (var row in Seeds)
        {
            var r = MatCalc.Gradient((string)row[1], (string)row[2], (string)row[3], new GradientOptions { Check = false });
            latex.AddRange(DerivationFormat.LatexBlocks(r));
            latex.AddRange(r.Methods.SelectMany(m => m.Steps).Select(s => s.Latex));
        }
        var bad = Katex.Validate(latex).Where(x => !x.Ok).ToList();
        Assert.True(bad.Count == 0, string.Join("\n", bad.Take(5).Select(b => b.Latex + "\n  → " + b.Error)));
    }

    [Fact]
    public void The_three_methods_agree_on_generated_expressions()
    {
        var compared = 0;
        ExprGen.ForAllScalar(e =>
        {
            var names = e.DescendantsAndSelf().OfType<Symbol>().Select(s => s.Name).ToHashSet();
            var wrt = new[] { "C", "A", "x", "S", "s", "P" }.FirstOrDefault(names.Contains);
            if (wrt is null) return;
            var f = MatCalc.Parse(TextPrinter.Print(e), ExprGen.Where);
            GradientResult r;
            try { r = MatCalc.Gradient(f, wrt, new GradientOptions { Check = false }); }
            catch (MatcalcException ex) when (ex.Diagnostics[0].Id == "MC2003") { return; }
            var ok = r.Methods.Where(m => m.Succeeded).ToList();
            if (ok.Count < 2) return;
            var b = Sampler.Sample(f.Symbols, 17);
            MathNet.Numerics.LinearAlgebra.Matrix<double>[] values;
            try { values = ok.Select(m => Evaluator.Evaluate(m.Gradient!, b)).ToArray(); }
            catch (MatcalcException) { return; }
            var scale = Math.Max(1, values[0].FrobeniusNorm());
            if (!double.IsFinite(scale) || scale > 1e8) return;
            compared++;
            foreach (var (m, v) in ok.Zip(values))
                Assert.True((v - values[0]).FrobeniusNorm() <= 1e-7 * scale,
                    $"f = {f.Text} wrt {wrt}: {m.Method} gives {TextPrinter.Print(m.Gradient!)}, {ok[0].Method} gives {TextPrinter.Print(ok[0].Gradient!)}");
            // Agreement is undecided (not false) when none of its own random instances is in the domain of f.
            Assert.True(r.Agree || r.AgreementBasis.StartsWith("undecided", StringComparison.Ordinal), $"f = {f.Text}: agreement reported false ({r.AgreementBasis})");
        }, iter: 400);
        Assert.True(compared > 100, $"only {compared} expressions compared");
    }
}
