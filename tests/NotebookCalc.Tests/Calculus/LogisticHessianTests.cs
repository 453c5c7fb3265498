using NotebookCalc.Differentiation;
using NotebookCalc.Differentiation.Index;
using NotebookCalc.Expressions;
using NotebookCalc.Rewriting;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Text;

namespace NotebookCalc.Tests.Calculus;

/// <summary>
/// The logistic-regression loss: its gradient reads Aᵀ(σ(Aw) − y) and its Hessian Aᵀ diag(σ(Aw) ⊙ (1 − σ(Aw))) A, by the
/// catalogued rewrite logistic_sigmoid (exp(U) ⊘ (1 + exp(U)) = σ(U)), whatever the names and the spelling of the loss.
/// </summary>
public class LogisticHessianTests
{
    private static readonly GradientOptions Seeded = new() { Seed = 1 };

    [Fact]
    public void The_logistic_loss_has_the_textbook_gradient_and_hessian()
    {
        const string f = "sum(log(1 + exp(A w))) - y' A w", where = "A: m x n; w: n; y: m";
        var g = MatCalc.Gradient(f, "w", where, Seeded);
        Assert.Equal("A' (sigmoid(A w) - y)", TextPrinter.Print(g.Gradient));
        Assert.Contains(Rules.LogisticSigmoid.Name, g.Methods.SelectMany(m => m.Steps).SelectMany(s => s.Rules));
        var h = MatCalc.Hessian(f, "w", where, Seeded);
        Assert.Equal("A' ((1 - sigmoid(A w)) .* sigmoid(A w) .* (A H))", TextPrinter.Print(h.Map));
        Assert.Equal("A' diag((1 - sigmoid(A w)) .* sigmoid(A w)) A", TextPrinter.Print(h.VecForm!));
        Assert.True(h.Agree, h.AgreementBasis);
        Assert.True(h.Check!.Passed, h.Check.Summary);
        // The textbook forms, as a map and as the vec (here: the ordinary) Hessian matrix, are judged right.
        Assert.True(MatCalc.CheckHessian(f, "w", "A' diag(sigmoid(A w) .* (1 - sigmoid(A w))) A H", where, Seeded).Right);
        var vec = MatCalc.CheckHessian(f, "w", "A' diag(sigmoid(A w) .* (1 - sigmoid(A w))) A", where, Seeded);
        Assert.True(vec.Right, vec.Verdict);
        Assert.True(vec.VecMatrix);
        Assert.False(MatCalc.CheckHessian(f, "w", "A' diag(sigmoid(A w)) A", where, Seeded).Right);
    }

    [Theory]
    // Other names, the constant on the other side, a matrix of weights, labels ±1, an intercept.
    [InlineData("sum(log(exp(X' b) + 1))", "b", "X: d x n; b: d", "X sigmoid(X' b)", "X diag((1 - sigmoid(X' b)) .* sigmoid(X' b)) X'")]
    [InlineData("sum(log(1 + exp(-y .* (A w))))", "w", "A: n x d; w: d; y: n", "-(A' (y .* sigmoid(-(y .* (A w)))))",
        "A' diag(y.^2 .* (1 - sigmoid(-(y .* (A w)))) .* sigmoid(-(y .* (A w)))) A")]
    [InlineData("sum(log(1 + exp(A w + c))) - y' (A w + c)", "w", "A: m x n; w: n; y: m; c: m", "A' (sigmoid(A w + c) - y)",
        "A' diag((1 - sigmoid(A w + c)) .* sigmoid(A w + c)) A")]
    public void Variants_of_the_loss_simplify_the_same_way(string f, string wrt, string where, string gradient, string vec)
    {
        var g = MatCalc.Gradient(f, wrt, where, Seeded);
        Assert.Equal(gradient, TextPrinter.Print(g.Gradient));
        Assert.True(g.Check!.Passed, g.Check.Summary);
        var h = MatCalc.Hessian(f, wrt, where, Seeded);
        Assert.Equal(vec, TextPrinter.Print(h.VecForm!));
        Assert.True(h.Check!.Passed, h.Check.Summary);
        Assert.True(MatCalc.CheckHessian(f, wrt, vec, where, Seeded).Right);
    }

    [Theory]
    [InlineData("exp(X) .^ 3 ./ (1 + exp(X)) .^ 2", "exp(X) .* sigmoid(X).^2")]
    [InlineData("exp(X) ./ (1 + exp(X)) .^ 2", "sigmoid(X) ./ (1 + exp(X))")]
    [InlineData("C .* exp(X) ./ (1 + exp(X))", "C .* sigmoid(X)")]
    [InlineData("exp(X) ./ (1 + exp(X)) .* sigmoid(X)", "sigmoid(X).^2")]
    [InlineData("exp(X) ./ (1 + exp(Y))", "exp(X) ./ (1 + exp(Y))")]
    public void The_simplifier_folds_what_the_powers_allow_and_keeps_the_value(string expr, string expected)
    {
        var e = MatCalc.Parse(expr, "X: n x m; Y: n x m; C: n x m");
        var s = Simplifier.Simplify(e.Expr, out var used);
        Assert.Equal(expected, TextPrinter.Print(s));
        Assert.Equal(expected != expr, used.Contains(Rules.LogisticSigmoid.Name));
        for (var seed = 1; seed <= 5; seed++)
        {
            var b = Sampler.Sample(e.Symbols, seed);
            var (before, after) = (Evaluator.Evaluate(e.Expr, b), Evaluator.Evaluate(s, b));
            Assert.True((before - after).FrobeniusNorm() <= 1e-12 * Math.Max(1, before.FrobeniusNorm()), $"{expr} → {TextPrinter.Print(s)}");
        }
    }
}
