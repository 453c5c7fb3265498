using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Calculus;
using NotebookCalc.Numerics;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

namespace NotebookCalc.Tests.Calculus;

/// <summary>
/// Generated from the catalogue: every conditional rewrite keeps the value wherever its condition holds, does not fire
/// where it fails, and would have changed the value had it fired there (so every condition is necessary).
/// </summary>
public class RewriteSoundnessTests
{
    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (var r in Rewrites.All)
            for (var i = 0; i < r.Examples.Count; i++) data.Add(r.Rule.Name, i);
        return data;
    }

    private static Rewrite Get(string name) => Rewrites.All.Single(r => r.Rule.Name == name);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Rewrite_fires_exactly_where_its_condition_holds_and_keeps_the_value(string rule, int index)
    {
        var rewrite = Get(rule);
        var ex = rewrite.Examples[index];
        var f = MatCalc.Parse(ex.Expr, ex.Where);
        var node = f.Expr.DescendantsAndSelf().FirstOrDefault(rewrite.Matches);
        Assert.True(node is not null, $"{rule}: the example {ex.Expr} does not contain the rule's pattern");
        Assert.Equal(ex.Fires, rewrite.Condition.Holds(node!));
        Assert.Equal(ex.Fires, rewrite.TryApply(node!) is not null);

        var naive = Substitute(f.Expr, node!, rewrite.Replace(node!));
        var simplified = Simplifier.Simplify(f.Expr, out var used);
        var (compared, differs) = (0, 0);
        for (var seed = 1; seed <= 40; seed++)
        {
            var b = Sampler.Sample(f.Symbols, seed);
            Matrix<double> original;
            try { original = Evaluator.Evaluate(f.Expr, b, ex.Expr); }
            catch (MatcalcException) { continue; } // outside the expression's domain: nothing to compare
            compared++;
            // The simplifier keeps the value wherever the expression is defined, fired or not.
            AssertClose(original, Evaluator.Evaluate(simplified, b, ex.Expr), $"{rule}: Simplify({ex.Expr}) = {simplified}");
            Matrix<double>? rewritten;
            try { rewritten = Evaluator.Evaluate(naive, b, ex.Expr); }
            catch (MatcalcException) { rewritten = null; }
            if (ex.Fires) AssertClose(original, rewritten!, $"{rule}: {ex.Expr} → {naive}");
            else if (rewritten is null || !Close(original, rewritten)) differs++;
        }
        Assert.True(compared >= 3, $"{rule}: only {compared} instances of {ex.Expr} could be evaluated");
        if (ex.Fires)
            Assert.Contains(rule, used);
        else
        {
            Assert.DoesNotContain(rule, used);
            Assert.True(differs > 0, $"{rule}: the condition fails on {ex.Expr}, but firing anyway ({naive}) kept the value on every instance — the example does not show why the condition is needed");
        }
    }

    [Fact]
    public void Every_rule_with_a_condition_beyond_its_domain_has_generated_tests_both_ways()
    {
        // The structured-variable rules condition the variable, not a matched expression: StructuredVariableTests test them.
        var conditional = Rules.All.Where(r => r.Condition != Condition.None && !r.Condition.OnDomain)
            .Where(r => r != Rules.SymmetricGradient && r != Rules.DiagonalGradient).ToList();
        Assert.NotEmpty(conditional);
        foreach (var rule in conditional)
        {
            var rewrite = Rewrites.All.SingleOrDefault(w => w.Rule == rule);
            Assert.True(rewrite is not null, $"{rule.Name} has a condition but no rewrite applies it through TryApply");
            Assert.Contains(rewrite!.Examples, e => e.Fires);
            Assert.Contains(rewrite.Examples, e => !e.Fires);
        }
    }

    [Fact]
    public void Every_rule_states_its_condition()
    {
        Assert.All(Rules.All, r => Assert.False(string.IsNullOrWhiteSpace(r.Condition.Text), r.Name));
    }

    [Theory]
    [InlineData("(s^2)^0.5", "s", "s: scalar", "1")]
    [InlineData("(s^2)^0.5", "s", "s: scalar", "-1")]
    [InlineData("(s^4)^0.25", "s", "s: scalar", "1")]
    [InlineData("sum((A .^ 2) .^ 0.5)", "A", "A: n x m", "ones(n, m)")]
    [InlineData("(t s^2)^0.5", "s", "s: scalar; t: scalar positive", "t^0.5")]
    public void A_claim_that_only_an_unsound_rewrite_would_give_is_wrong(string f, string wrt, string where, string claim)
    {
        var r = MatCalc.Check(f, wrt, claim, where);
        Assert.False(r.Right, r.Verdict);
    }

    [Fact]
    public void Square_root_of_a_square_is_the_absolute_value()
    {
        var r = MatCalc.Gradient("(s^2)^0.5", "s", "s: scalar");
        Assert.Equal("s / abs(s)", r.Gradient.ToString());
        Assert.True(r.Check!.Passed, r.Check.Summary);
        Assert.Contains(r.Methods.SelectMany(m => m.Steps).SelectMany(s => s.Rules), n => n == Rules.PowerOfEvenPower.Name);
    }

    [Fact]
    public void Constructors_name_the_symmetric_rewrite_in_the_step_that_uses_it()
    {
        var r = MatCalc.Gradient("a' S' a", "a", "a: n; S: n x n symmetric");
        Assert.Contains(r.Methods.Single(m => m.Method == DifferentialMethod.Name).Steps.Skip(1).SelectMany(s => s.Rules), n => n == Rules.Symmetric.Name);
    }

    private static Expr Substitute(Expr e, Expr target, Expr replacement) =>
        ReferenceEquals(e, target) ? replacement : e.Children.Count == 0 ? e : e.With(e.Children.Select(c => Substitute(c, target, replacement)).ToList());

    private static bool Close(Matrix<double> a, Matrix<double> b) =>
        a.RowCount == b.RowCount && a.ColumnCount == b.ColumnCount
        && (a - b).FrobeniusNorm() <= 1e-9 * Math.Max(1, a.FrobeniusNorm());

    private static void AssertClose(Matrix<double> a, Matrix<double> b, string what) =>
        Assert.True(Close(a, b), $"{what}: {a.ToMatrixString()} ≠ {b.ToMatrixString()}");
}
