using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Tests.Language;

/// <summary>Every row of the LANGUAGE.md §1 table: all spellings parse to the same tree, and text round-trips.</summary>
public class LanguageTableTests
{
    internal const string Where = "A: n x n; B: n x n; C: n x m; X: n x m; Y: n x m; W: n x m; Omega: m x m symmetric; x: n; y: n; s: scalar; t: scalar; lambda1: scalar";

    public static TheoryData<string, string[]> Rows => new()
    {
        { "A + B", ["A+B", "(A) + (B)"] },
        { "A - B", ["A−B", "A + -B"] },
        { "-A", ["−A", "-(A)"] },
        { "A * B", ["A B", "A·B", "A\\cdot B", "A*B"] },
        { "s * A", ["s A", "s·A", "(s) A"] },
        { "A / 2", ["A/2", "\\frac{A}{2}"] },
        { "lambda1/2 * tr(A)", ["λ₁/2 tr(A)", "\\frac{\\lambda_1}{2} \\operatorname{tr}(A)", "lambda_1/2 tr(A)", "λ1/2 trace(A)"] },
        { "(x'A x)/(x'x)", ["(xᵀA x)/(xᵀx)", "\\frac{x^\\top A x}{x^\\top x}", "(x^T A x) / (x^T x)"] },
        { "1 - y", ["1 − y"] },
        { "log(X) + 1", ["ln(X) + 1", "\\log(X) + 1"] },
        { "1 ./ X", ["1 ⊘ X"] },
        { "A'", ["A^T", "transpose(A)", "Aᵀ", "A^\\top", "A^{T}", "A^{\\top}", "A′"] },
        { "inv(A)", ["A^-1", "A⁻¹", "A^{-1}", "A^(-1)", "inv(A)"] },
        { "A^3", ["A³", "A^{3}"] },
        { "X .* Y", ["X ⊙ Y", "X ∘ Y", "X \\odot Y", "X \\circ Y"] },
        { "X ./ Y", ["X ⊘ Y", "X \\oslash Y"] },
        { "X .^ 2", ["X^{∘2}", "X.^2", "X^{\\circ 2}", "X .^ (2)"] },
        { "X : Y", ["X:Y"] },
        { "kron(A, B)", ["A ⊗ B", "A \\otimes B"] },
        { "powersum(A, B, 5)", ["powersum(A,B,5)", "powersum((A), B, 5.0)"] },
        { "tr(A)", ["trace(A)", "Tr(A)", "\\operatorname{tr}(A)", "\\operatorname{tr}A", "\\mathrm{tr}(A)", "\\text{tr}(A)"] },
        { "det(A)", ["|A|", "\\det(A)", "\\det A", "\\lvert A\\rvert"] },
        { "logdet(A)", ["ln(det(A))", "log(det(A))", "ln det(A)", "log|A|", "\\ln\\det(A)", "\\log\\det A", "ln|A|", "log det A"] },
        { "exp(X)", ["\\exp(X)", "exp X"] },
        { "log(X)", ["ln(X)", "\\ln(X)"] },
        { "sqrt(X)", ["\\sqrt(X)"] },
        { "tanh(X)", ["\\tanh(X)"] },
        { "sigmoid(X)", ["\\operatorname{sigmoid}(X)"] },
        { "abs(X)", ["abs (X)"] },
        { "sign(X)", ["\\operatorname{sign}(X)"] },
        { "sin(X) + cos(X)", ["\\sin(X) + \\cos(X)", "sin X + cos X"] },
        { "softmax(X)", ["\\operatorname{softmax}(X)"] },
        { "softmax_rows(X)", ["\\operatorname{softmax_rows}(X)"] },
        { "sum(X)", ["\\operatorname{sum}(X)"] },
        { "diag(x)", ["\\operatorname{diag}(x)"] },
        { "diag(A)", ["\\operatorname{diag}(A)"] },
        { "vec(X)", ["\\operatorname{vec}(X)"] },
        { "norm(X)", ["‖X‖_F", "|X|_F", "||X||_F", "\\|X\\|_F", "\\lVert X\\rVert_F", "norm2(X)", "‖X‖_{F}"] },
        { "norm(x)", ["‖x‖₂", "‖x‖_2", "norm2(x)", "\\lVert x\\rVert_2"] },
        { "norm(X)^2", ["‖X‖²_F", "‖X‖_F^2", "||X||_F^2", "\\|X\\|_F^2", "‖X‖_F²", "\\left\\lVert X\\right\\rVert_F^2", "norm2(X)^2"] },
        { "norm1(X)", ["‖X‖_1", "‖X‖₁"] },
        { "A + I", ["A + I_n", "A + eye(n)"] },
        { "C + zeros(n, m)", ["C + zeros(n,m)"] },
        { "C + ones(n, m)", ["C + ones(n,m)"] },
        { "2 A + 0.5 B - 1e-3 A", ["2A + 0.5B - 0.001 A", "2·A + .5 B − 1E-3 A"] },
        { "s^2 t", ["s² t", "s^{2} t"] },
        { "Omega + lambda1 Omega'", ["Ω + λ₁ Ωᵀ", "\\Omega + \\lambda_1 \\Omega^\\top", "Omega + lambda_1 Omega^T"] },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Spellings_parse_to_the_same_tree(string ascii, string[] others)
    {
        var expected = MatCalc.Parse(ascii, Where).Expr;
        foreach (var other in others.Where(o => o.Length > 0))
            Assert.True(expected == MatCalc.Parse(other, Where).Expr, $"'{other}' parsed to {MatCalc.Parse(other, Where).Expr}, expected {expected}");
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Text_round_trips(string ascii, string[] others)
    {
        foreach (var s in others.Append(ascii).Where(o => o.Length > 0))
        {
            var e = MatCalc.Parse(s, Where);
            var again = MatCalc.Parse(e.Text, Where);
            Assert.True(e.Expr == again.Expr, $"'{s}' printed as '{e.Text}' which parses to {again.Expr}");
        }
    }

    [Fact]
    public void Juxtaposition_is_left_associative_matrix_product()
    {
        var e = MatCalc.Parse("A B C", Where).Expr;
        var abc = Assert.IsType<MatMul>(e);
        Assert.IsType<MatMul>(abc.L);
        Assert.Equal("C", Assert.IsType<Symbol>(abc.R).Name);
    }

    [Fact]
    public void Precedence_follows_the_contract()
    {
        // `:` loosest, then + -, then products, then unary minus, then postfix.
        Assert.IsType<Frobenius>(MatCalc.Parse("A + B : A B", Where).Expr);
        var sum = Assert.IsType<Add>(MatCalc.Parse("A B + B", Where).Expr);
        Assert.IsType<MatMul>(sum.L);
        var product = Assert.IsType<MatMul>(MatCalc.Parse("-A B", Where).Expr);
        Assert.IsType<Neg>(product.L);
        var t = Assert.IsType<MatMul>(MatCalc.Parse("A B'", Where).Expr);
        Assert.IsType<Transpose>(t.R);
        Assert.IsType<Inverse>(Assert.IsType<MatMul>(MatCalc.Parse("A B^-1", Where).Expr).R);
    }

    [Fact]
    public void Greek_names_and_ascii_aliases_are_the_same_symbol()
    {
        var greek = MatCalc.Parse("λ₁ tr(W Ω⁻¹ Wᵀ) + σ^2", "W: n x m; Ω: m x m; λ1: scalar; σ: scalar").Expr;
        var ascii = MatCalc.Parse("lambda1 tr(W inv(Omega) W') + sigma^2", "W: n x m; Omega: m x m; lambda_1: scalar; sigma: scalar").Expr;
        Assert.Equal(ascii, greek);
    }

    [Fact]
    public void Scalars_scale_matrices_whichever_side_they_are_on()
    {
        var left = MatCalc.Parse("s A", Where).Expr;
        var right = MatCalc.Parse("A s", Where).Expr;
        Assert.Equal(left, right);
        Assert.IsType<Scale>(left);
        // A 1×1 product such as x'A x is a scalar that scales.
        var quad = MatCalc.Parse("(x' A x) A", Where).Expr;
        Assert.IsType<Scale>(quad);
    }

    [Fact]
    public void Power_variants()
    {
        Assert.Equal(MatCalc.Parse("inv(A)^2", Where).Expr, MatCalc.Parse("A^-2", Where).Expr);
        Assert.Equal(MatCalc.Parse("inv(A)'", Where).Expr, MatCalc.Parse("A⁻ᵀ", Where).Expr);
        Assert.IsType<Power>(MatCalc.Parse("s^0.5", Where).Expr);
    }

    [Fact]
    public void Comments_and_latex_spacing_are_ignored()
    {
        Assert.Equal(MatCalc.Parse("tr(A)", Where).Expr, MatCalc.Parse("tr(A) # the trace", Where).Expr);
        Assert.Equal(MatCalc.Parse("A B", Where).Expr, MatCalc.Parse("A\\,B", Where).Expr);
        Assert.Equal(MatCalc.Parse("tr(A)", Where).Expr, MatCalc.Parse("\\operatorname{tr}\\left(A\\right)", Where).Expr);
    }

    [Fact]
    public void Opaque_functions_take_their_declared_shape()
    {
        var e = MatCalc.Parse("‖F(w) − β Dᵀ Z‖²_F", "D: d x m; Z: d x l; F: n x l function of w; w: d x n; β: n x m");
        var norm = Assert.IsType<Norm>(Assert.IsType<Power>(e.Expr).A);
        var diff = Assert.IsType<Add>(norm.A);
        var f = Assert.IsType<OpaqueCall>(diff.L);
        Assert.Equal("n×l", f.Shape.ToString());
        Assert.Equal("d×n", f.Arg.Shape.ToString());
    }

    [Fact]
    public void Undeclared_name_before_brackets_is_a_product()
    {
        Assert.Equal(MatCalc.Parse("A (B + A)", Where).Expr, MatCalc.Parse("A(B + A)", Where).Expr);
    }
}
