using NotebookCalc.Semantics;
using NotebookCalc.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Tests.Language;

public class ShapeInferenceTests
{
    private static MatcalcException Fails(string expr, string? where = null) =>
        Assert.Throws<MatcalcException>(() => MatCalc.Parse(expr, where));

    [Theory]
    [InlineData("tr(W W')", "W: n x m", "scalar")]
    [InlineData("W Omega W'", "W: n x m; Omega: m x m", "n×n")]
    [InlineData("W' W", "W: n x m", "m×m")]
    [InlineData("kron(W, Omega)", "W: n x m; Omega: m x m", "mn×mm")] // products of sizes are written with their factors sorted
    [InlineData("vec(W)", "W: n x m", "mn×1")]
    [InlineData("diag(y)", "y: n", "n×n")]
    [InlineData("diag(Omega)", "Omega: m x m", "m×1")]
    [InlineData("W .* W + 1", "W: n x m", "n×m")]
    [InlineData("W : W", "W: n x m", "scalar")]
    [InlineData("y' W", "W: n x m; y: n", "1×m")]
    [InlineData("zeros(3, 4) + ones(3, 4)", null, "3×4")]
    [InlineData("eye(n) + I", null, "n×n")]
    [InlineData("W W' + s^2 I", "W: n x m", "n×n")]
    public void Infers_the_shape(string expr, string? where, string shape) =>
        Assert.Equal(shape, MatCalc.Parse(expr, where).Shape.ToString());

    [Fact]
    public void Undeclared_symbols_are_inferred_from_the_expression()
    {
        var e = MatCalc.Parse("norm(X W Z - X)^2", "X: n x d; W: d x k");
        Assert.Equal("k×d", e.Symbols.Single(s => s.Name == "Z").Shape.ToString());

        var q = MatCalc.Parse("x' A x", "A: n x n");
        Assert.Equal("n×1", q.Symbols.Single(s => s.Name == "x").Shape.ToString());

        var ld = MatCalc.Parse("ln det(W W' + sigma^2 I)", "W: n x m");
        Assert.True(ld.Symbols.Single(s => s.Name == "sigma").Shape.IsScalar);
        Assert.Contains(ld.Notes, n => n.Id == "MC1100" && n.Message.Contains("sigma") && n.Message.Contains("scalar"));

        var v = MatCalc.Parse("W b", "W: n x m");
        Assert.Equal("m×1", v.Symbols.Single(s => s.Name == "b").Shape.ToString());
        Assert.Contains(v.Notes, n => n.Message.Contains("column vector"));

        var scaled = MatCalc.Parse("c W", "W: n x m");
        Assert.True(scaled.Symbols.Single(s => s.Name == "c").Shape.IsScalar);
    }

    [Fact]
    public void Matrix_product_clash_names_both_shapes_and_suggests_a_transpose()
    {
        var ex = Fails("W W", "W: n x m");
        var d = Assert.Single(ex.Diagnostics);
        Assert.Equal("MC1005", d.Id);
        Assert.Equal("cannot multiply W (n×m) by W (n×m): inner dimensions m and n differ.", d.Message);
        Assert.Contains("W W' (n×n)", d.Hint);
        Assert.Equal(new TextSpan(1, 1), d.Span);
    }

    [Fact]
    public void Seed_003_dimension_confusion_gets_an_actionable_explanation()
    {
        // The asker's shapes: D d×m, Z d×l, F n×l, w d×n, β n×m. Forgetting the transpose on D:
        var ex = Fails("‖F(w) − β D Z‖²_F", "D: d x m; Z: d x l; F: n x l function of w; w: d x n; β: n x m");
        var d = ex.Diagnostics[0];
        Assert.Contains("β (n×m) by D (d×m)", d.Message);
        Assert.Contains("β D' (n×d)", d.Hint);
        // Subtracting something of the wrong shape from F(w):
        var ex2 = Fails("‖F(w) − β Dᵀ‖²_F", "D: d x m; Z: d x l; F: n x l function of w; w: d x n; β: n x m");
        Assert.Contains("cannot subtract F(w) (n×l) and β Dᵀ (n×d)", ex2.Diagnostics[0].Message);
    }

    [Theory]
    [InlineData("W + W'", "W: n x m", "MC1006", "cannot add W (n×m) and W' (m×n)")]
    [InlineData("W .* Omega", "W: n x m; Omega: m x m", "MC1006", "multiply entrywise")]
    [InlineData("W : Omega", "W: n x m; Omega: m x m", "MC1006", "Frobenius")]
    [InlineData("tr(W)", "W: n x m", "MC1007", "the trace needs a square matrix, but W is n×m")]
    [InlineData("inv(W)", "W: n x m", "MC1007", "square")]
    [InlineData("det(W)", "W: n x m", "MC1007", "square")]
    [InlineData("W^2", "W: n x m", "MC1007", "matrix power")]
    [InlineData("A / W", "A: n x m; W: n x m", "MC1008", "scalar denominator")]
    [InlineData("tr(A B)", null, "MC1015", "shape of A cannot be determined")]
    [InlineData("tr(I)", null, "MC1015", "identity")]
    [InlineData("W^0.5", "W: n x n", "MC1011", "non-integer")]
    [InlineData("‖W‖₂", "W: n x m", "MC1016", "spectral norm")]
    [InlineData("F + 1", "F: n x l function of w", "MC1012", "needs its argument")]
    [InlineData("foo(A, B)", "A: n x n; B: n x n", "MC1013", "is not a function")]
    [InlineData("kron(A)", "A: n x n", "MC1014", "takes 2 arguments")]
    public void Shape_errors_are_diagnostics(string expr, string? where, string id, string fragment)
    {
        var d = Fails(expr, where).Diagnostics[0];
        Assert.Equal(id, d.Id);
        Assert.Contains(fragment, d.Message);
        Assert.False(string.IsNullOrWhiteSpace(d.Hint));
    }

    [Theory]
    [InlineData("", "MC0001")]
    [InlineData("A +", "MC0005")]
    [InlineData("(A + B", "MC0006")]
    [InlineData("A + B)", "MC0005")]
    [InlineData("A $ B", "MC0002")]
    [InlineData("1e999 A", "MC0003")]
    [InlineData("\\foo{A}", "MC0004")]
    [InlineData("A^x", "MC0005")]
    [InlineData("‖A‖_G", "MC0005")]
    [InlineData("tr", "MC0005")]
    [InlineData("tr()", "MC1014")]
    public void Syntax_errors_are_diagnostics(string expr, string id)
    {
        var d = Fails(expr, "A: n x n; B: n x n").Diagnostics[0];
        Assert.Equal(id, d.Id);
        Assert.False(string.IsNullOrWhiteSpace(d.Hint));
        Assert.InRange(d.Span.Start, 0, expr.Length);
    }

    [Fact]
    public void Depth_and_length_limits_are_enforced_with_a_message()
    {
        var deep = new string('(', 10_000) + "A" + new string(')', 10_000);
        Assert.Equal("MC0010", Fails(deep).Diagnostics[0].Id);
        var deep2 = new string('(', 5_000) + "A" + new string(')', 5_000);
        Assert.Equal("MC0009", Fails(deep2).Diagnostics[0].Id);
        var minus = new string('-', 5_000) + "A";
        Assert.Equal("MC0009", Fails(minus, "A: n x n").Diagnostics[0].Id);
        Assert.Equal("MC0009", Fails("A" + new string('\'', 9_000), "A: n x n").Diagnostics[0].Id);
        Assert.Equal("MC0009", Fails(string.Join(" + ", Enumerable.Repeat("A", 3_000)), "A: n x n").Diagnostics[0].Id);
        // Within the limits, long chains work.
        Assert.Equal(MatCalc.Parse("A", "A: n x n").Shape, MatCalc.Parse("A" + new string('\'', 100), "A: n x n").Shape);
        Assert.Equal(MatCalc.Parse("A", "A: n x n").Shape, MatCalc.Parse(string.Join(" + ", Enumerable.Repeat("A", 200)), "A: n x n").Shape);
    }

    [Theory]
    [InlineData("W n x m", "MC1001")]
    [InlineData("W: n x m weird", "MC1001")]
    [InlineData("W: n x m symmetric", "MC1002")]
    [InlineData("W: n x", "MC1001")]
    [InlineData("W: n*m", "MC1004")]
    [InlineData("W: 0 x 3", "MC1004")]
    [InlineData("I: n x n", "MC1018")]
    [InlineData("tr: scalar", "MC1018")]
    [InlineData("W: n x m; W: m x n", "MC1003")]
    [InlineData("P: n x n indicator positive", "MC1002")]
    public void Declaration_errors_are_diagnostics(string where, string id)
    {
        var d = Assert.Throws<MatcalcException>(() => Scope.Parse(where)).Diagnostics[0];
        Assert.Equal(id, d.Id);
        Assert.False(string.IsNullOrWhiteSpace(d.Hint));
    }

    [Fact]
    public void Declarations_parse_every_form()
    {
        var scope = Scope.Parse("W: n x m\nOmega: m × m symmetric invertible; X: n x n spd, y: n; sigma: scalar; l2\nF: n x l function of w; Q: 3 x 3 orthogonal; P: n x m indicator; R: n x m positive; D: n x n diagonal");
        Assert.True(scope.TryGet("Omega", out var omega));
        Assert.Equal(SymbolProps.Symmetric | SymbolProps.Invertible, omega.Props);
        Assert.True(scope.TryGet("X", out var x) && x.Props.HasFlag(SymbolProps.Spd) && x.Props.HasFlag(SymbolProps.Symmetric));
        Assert.True(scope.TryGet("y", out var y) && y.Shape.IsColumnVector);
        Assert.True(scope.TryGet("l2", out var l2) && l2.Shape.IsScalar);
        Assert.True(scope.TryGet("F", out var f) && f.FunctionOf == "w");
        Assert.True(scope.TryGet("Q", out var q) && q.Shape.Rows == Dim.Of(3));
        Assert.True(scope.TryGet("D", out var d) && d.Props.HasFlag(SymbolProps.Symmetric));
        Assert.Equal("Omega: m x m symmetric invertible", omega.ToString());
    }

    [Fact]
    public void Formatted_diagnostic_underlines_the_span()
    {
        var ex = Fails("tr(W) + 1", "W: n x m");
        var text = ex.ToString();
        Assert.Contains("error MC1007 at 1:1", text);
        Assert.Contains("  tr(W) + 1\n  ^^^^^", text.Replace("\r", ""));
        Assert.Contains("hint:", text);
    }
}
