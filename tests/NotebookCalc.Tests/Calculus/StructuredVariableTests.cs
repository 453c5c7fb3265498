using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Calculus;
using NotebookCalc.Numerics;
using NotebookCalc.Semantics;

namespace NotebookCalc.Tests.Calculus;

/// <summary>
/// A variable declared symmetric (diagonal) moves only in symmetric (diagonal) directions: its gradient is sym(G)
/// (diag(diag G)), checked here by finite differences along such directions only, and a claim is judged by that part.
/// </summary>
public class StructuredVariableTests
{
    private const string Sym = "A: n x n; X: n x n symmetric; a: n; B: n x n";

    [Theory]
    [InlineData("tr(A X)", "A'")]
    [InlineData("tr(A X)", "A")]
    [InlineData("tr(A X)", "(A + A') / 2")]
    [InlineData("tr(A X')", "A")]
    [InlineData("a' X a", "a a'")]
    [InlineData("tr(X B X)", "B X + X B")]
    [InlineData("tr(X B X)", "(B + B') X")]
    public void A_claim_is_right_when_its_symmetric_part_is(string f, string claim)
    {
        var r = MatCalc.Check(f, "X", claim, Sym);
        Assert.True(r.Right, r.Verdict);
        Assert.Contains("symmetric part", r.Verdict);
    }

    [Theory]
    [InlineData("tr(A X)", "A + A' - A .* eye(n)")]
    [InlineData("a' X a", "2 a a' - (a a') .* eye(n)")]
    public void The_cookbook_vech_form_is_wrong_and_explained(string f, string claim)
    {
        var r = MatCalc.Check(f, "X", claim, Sym);
        Assert.False(r.Right);
        Assert.Contains(r.Hints, h => h.Contains("vech") && h.Contains("off-diagonal entry twice"));
    }

    [Theory]
    [InlineData("tr(A X)", "2 A")]
    [InlineData("a' X a", "a' a eye(n)")]
    public void A_claim_whose_symmetric_part_differs_is_wrong(string f, string claim)
    {
        var r = MatCalc.Check(f, "X", claim, Sym);
        Assert.False(r.Right);
        Assert.DoesNotContain(r.Hints, h => h.Contains("vech"));
    }

    [Theory]
    [InlineData("tr(A X)", Sym)]
    [InlineData("tr(A X') + a' X X a", Sym)]
    [InlineData("ln det(X)", "X: n x n spd")]
    [InlineData("tr(A X)", "A: n x n; X: n x n diagonal")]
    [InlineData("sum(exp(X)) + a' X a", "X: n x n diagonal; a: n")]
    public void The_gradient_is_structured_matches_finite_differences_along_structured_directions_and_names_its_rule(string f, string where)
    {
        var r = MatCalc.Gradient(f, "X", where);
        Assert.True(r.Check!.Passed, r.Check.Summary);
        Assert.True(r.Agree, r.AgreementBasis);
        Assert.NotNull(r.Convention);
        var structure = Structure.Of(r.Variable);
        var rule = Structure.RuleOf(structure)!.Name;
        Assert.All(r.Methods.Where(m => m.Succeeded), m => Assert.Contains(rule, m.Steps.SelectMany(s => s.Rules)));
        // Independently of GradientCheck: the directional derivative along a structured direction H is ⟨∇f, H⟩, and ∇f has the structure.
        var symbols = r.Function.Symbols.Concat(r.Gradient.DescendantsAndSelf().OfType<Symbol>()).DistinctBy(s => s.Name).ToList();
        for (var seed = 1; seed <= 3; seed++)
        {
            var b = Sampler.Sample(symbols, seed);
            var g = Evaluator.Evaluate(r.Gradient, b);
            Assert.True((g - Structure.Project(structure, g)).FrobeniusNorm() <= 1e-12 * Math.Max(1, g.FrobeniusNorm()), "the gradient lacks the variable's structure");
            var x0 = b["X"];
            var random = new Random(seed);
            var h = Structure.Project(structure, Matrix<double>.Build.Dense(x0.RowCount, x0.ColumnCount, (_, _) => Sampler.Normal(random)));
            double F(Matrix<double> at) { var c = b.Clone(); c.Set("X", at); return Evaluator.EvaluateScalar(r.Function.Expr, c); }
            const double step = 1e-6;
            var fd = (F(x0 + step * h) - F(x0 - step * h)) / (2 * step);
            var an = g.PointwiseMultiply(h).Enumerate().Sum();
            Assert.True(Math.Abs(fd - an) <= 1e-6 * Math.Max(1, Math.Abs(an)), $"{f}: fd {fd} vs ⟨∇f, H⟩ {an}");
        }
    }

    [Fact]
    public void The_structure_conditions_read_the_declaration()
    {
        Symbol S(SymbolProps p) => new("X", new Shape(Dim.Of("n"), Dim.Of("n")), p);
        Assert.Equal(VariableStructure.Symmetric, Structure.Of(S(SymbolProps.Symmetric)));
        Assert.Equal(VariableStructure.Symmetric, Structure.Of(S(SymbolProps.Spd | SymbolProps.Symmetric | SymbolProps.Invertible)));
        Assert.Equal(VariableStructure.Diagonal, Structure.Of(S(SymbolProps.Diagonal | SymbolProps.Symmetric)));
        Assert.Equal(VariableStructure.None, Structure.Of(S(SymbolProps.Invertible)));
        Assert.Equal(VariableStructure.None, Structure.Of(new Symbol("s", Shape.Scalar, SymbolProps.Symmetric)));
    }

    [Fact]
    public void A_diagonal_variable_judges_claims_by_their_diagonal()
    {
        const string where = "A: n x n; X: n x n diagonal";
        Assert.True(MatCalc.Check("tr(A X)", "X", "A", where).Right);
        Assert.True(MatCalc.Check("tr(A X)", "X", "diag(diag(A))", where).Right);
        Assert.False(MatCalc.Check("tr(A X)", "X", "2 A", where).Right);
    }
}
