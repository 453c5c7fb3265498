using NotebookCalc.Calculus;
using NotebookCalc.Numerics;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Calculus;

/// <summary>Every rule of the catalogue is exercised by its example, whose gradient is checked numerically.</summary>
public class RuleCatalogueTests
{
    public static TheoryData<string> RuleNames => new(Rules.All.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(RuleNames))]
    public void Rule_example_uses_the_rule_and_its_gradient_is_right(string name)
    {
        var rule = Rules.Get(name);
        if (rule.Derivative == "hessian")
        {
            // A rule of the Hessian derivation: its example's Hessian uses it, and passes its numerical check.
            var hr = MatCalc.Hessian(rule.Example, rule.Wrt, rule.Where, new GradientOptions { Seed = 3 });
            Assert.Contains(name, hr.Methods.SelectMany(m => m.Steps).SelectMany(s => s.Rules).ToHashSet());
            Assert.True(hr.Check!.Passed, hr.Check.Summary);
            return;
        }
        if (rule.Derivative == "jacobian")
        {
            var jr = MatCalc.Jacobian(rule.Example, rule.Wrt, rule.Where, new GradientOptions { Seed = 3 });
            Assert.Contains(name, jr.Methods.SelectMany(m => m.Steps).SelectMany(s => s.Rules).ToHashSet());
            Assert.True(jr.Check!.Passed, jr.Check.Summary);
            return;
        }
        var r = MatCalc.Gradient(rule.Example, rule.Wrt, rule.Where, new GradientOptions { Seed = 3 });
        var used = r.Methods.SelectMany(m => m.Steps).SelectMany(s => s.Rules).ToHashSet();
        Assert.Contains(name, used);
        Assert.NotNull(r.Check);
        if (r.Check!.Skipped) Assert.Contains("opaque", r.Check.Summary);
        else Assert.True(r.Check.Passed, r.Check.Summary);
    }

    [Fact]
    public void Rule_statements_are_valid_katex()
    {
        Assert.True(Katex.IsAvailable(out var reason), reason);
        var bad = Katex.Validate(Rules.All.Select(r => r.Latex)).Where(x => !x.Ok).ToList();
        Assert.True(bad.Count == 0, string.Join("\n", bad.Select(b => b.Latex + " → " + b.Error)));
    }

    [Theory]
    [InlineData("C : (A B)", "(A' C) : B")]
    [InlineData("C : (A B)", "(C B') : A")]
    [InlineData("C : D'", "C' : D")]
    [InlineData("C : (A .* B2)", "(C .* A) : B2")]
    [InlineData("C : (A ./ P)", "(C ./ P) : A")]
    [InlineData("tr(S)", "I : S")]
    [InlineData("sum(C)", "ones(n, m) : C")]
    [InlineData("C : A", "A : C")]
    public void Frobenius_identities_hold_numerically(string lhs, string rhs)
    {
        const string where = "A: n x m; B: m x m; B2: n x m; C: n x m; D: m x n; S: n x n; P: n x m positive";
        var l = MatCalc.Parse(lhs, where);
        var r = MatCalc.Parse(rhs, where);
        for (var seed = 1; seed <= 3; seed++)
        {
            var b = Sampler.Sample(l.Symbols.Concat(r.Symbols).DistinctBy(s => s.Name), seed);
            var lv = l.Evaluate(b)[0, 0];
            var rv = r.Evaluate(b)[0, 0];
            Assert.True(Math.Abs(lv - rv) <= 1e-10 * Math.Max(1, Math.Abs(lv)), $"{lhs} = {lv}, {rhs} = {rv}");
        }
    }
}
