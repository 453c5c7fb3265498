using System.Text.RegularExpressions;
using System.Xml.Linq;
using NotebookCalc.Calculus;
using NotebookCalc.Rendering;

namespace NotebookCalc.Tests.Notebook;

/// <summary>Derivations typeset as a textbook would: operator names spaced, left-hand sides as mathematics, fractions
/// the same in every method, long equations that wrap at their operators.</summary>
public class TypesettingTests
{
    private static List<string> Maths(string html) => Regex.Matches(html, "<math[\\s\\S]*?</math>").Select(m => m.Value).ToList();

    [Fact]
    public void Ln_det_is_two_operator_names_with_a_thin_space_and_a_name_after_a_factor_is_spaced()
    {
        var logdet = MathMlPrinter.Row(MatCalc.Parse("ln det(W W' + s^2 I)", "W: n x m; s: scalar").Expr);
        Assert.Contains("<mi>ln</mi><mo>&#x2061;</mo>" + MathMlPrinter.ThinSpace + "<mi>det</mi>", logdet);
        var scaled = MathMlPrinter.Row(MatCalc.Parse("2 tr(A) + x diag(A)' y", "A: n x n; x: n; y: n").Expr);
        Assert.Contains("<mo>&#x2062;</mo>" + MathMlPrinter.ThinSpace + "<mrow><mi>tr</mi>", scaled);
        // No space where TeX puts none: at the start, and between the name and its bracket.
        Assert.StartsWith("<mrow><mn>2</mn>", scaled);
        Assert.DoesNotContain("<mi>tr</mi><mo>&#x2061;</mo>" + MathMlPrinter.ThinSpace, scaled);
    }

    [Theory]
    [InlineData("l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')", "W: n x m; Omega: m x m invertible; l1, l2: scalar", "W")]
    [InlineData("ln det(W W' + s^2 I)", "W: n x m; s: scalar", "W")]
    [InlineData("x' A x", "A: n x n; x: n", "x")]
    [InlineData("s^2 tr(A)", "A: n x n; s: scalar", "s")]
    [InlineData("norm(W .* (A - U V'))^2", "W: n x m; A: n x m; U: n x k; V: m x k", "U")]
    public void Every_left_hand_side_is_typeset_and_no_text_shows_underscores_or_TeX(string f, string where, string wrt)
    {
        var r = MatCalc.Gradient(MatCalc.Parse(f, where), wrt);
        foreach (var step in r.Methods.SelectMany(m => m.Steps))
            Assert.True(MathMlLayout.FromLatex(step.LhsLatex) is not null, $"left-hand side not typeset: {step.LhsLatex}");
        var html = Html.Gradient(r);
        Assert.DoesNotContain("<mtext>", html);
        var maths = Maths(html);
        Assert.All(maths, m => XElement.Parse(m));
        // Text inside the formulas: no TeX commands, no underscores, no ASCII spellings of ∂.
        var text = string.Concat(maths.Select(m => XElement.Parse(m).Value));
        Assert.DoesNotContain("_", text);
        Assert.DoesNotContain("\\", text);
        Assert.DoesNotContain("df/d", text);
        Assert.Contains("<mo rspace=\"0\">∂</mo>", html);
    }

    [Theory]
    [InlineData("ln det(W W' + s^2 I)", "W: n x m; s: scalar", "W", false)]
    [InlineData("norm(A X - B)^2", "A: p x n; X: n x m; B: p x m", "X", false)]
    [InlineData("softmax(z)", "z: n", "z", true)]
    [InlineData("A X B", "A: p x n; X: n x m; B: m x q", "X", true)]
    public void Hessian_and_Jacobian_left_hand_sides_are_typeset_too(string f, string where, string wrt, bool jacobian)
    {
        var html = jacobian ? Html.Jacobian(MatCalc.Jacobian(f, wrt, where)) : Html.Hessian(MatCalc.Hessian(f, wrt, where));
        var steps = jacobian ? MatCalc.Jacobian(f, wrt, where).Methods.SelectMany(m => m.Steps) : MatCalc.Hessian(f, wrt, where).Methods.SelectMany(m => m.Steps);
        foreach (var step in steps)
            Assert.True(MathMlLayout.FromLatex(step.LhsLatex) is not null, $"left-hand side not typeset: {step.LhsLatex}");
        Assert.DoesNotContain("<mtext>", html);
        var text = string.Concat(Maths(html).Select(m => XElement.Parse(m).Value));
        Assert.DoesNotContain("\\", text);
        Assert.DoesNotContain("d2f", text);
    }

    [Fact]
    public void The_index_method_writes_fractions_as_the_other_methods_do()
    {
        var r = MatCalc.Gradient(MatCalc.Parse("l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')", "W: n x m; Omega: m x m invertible; l1, l2: scalar"), "W");
        var index = r.Methods.Single(m => m.Method == "index");
        foreach (var step in index.Steps)
        {
            Assert.DoesNotContain("0.5", step.Text);
            Assert.DoesNotContain("0.5", step.RightLatex);
            Assert.DoesNotContain("<mn>0.5</mn>", MathMlPrinter.Row(step.Rhs));
        }
        Assert.Contains(index.Steps, s => s.RightLatex.Contains(@"\frac{l_1}{2}", StringComparison.Ordinal));
        Assert.Contains(index.Steps, s => s.Rhs is IndexSumTerm && Regex.IsMatch(MathMlPrinter.Row(s.Rhs), @"<mfrac>(<mrow>)+<msub><mi>l</mi><mn>1</mn></msub>(</mrow>)+<mn>2</mn></mfrac>"));
        Assert.Contains(r.Methods.Single(m => m.Method == "differential").Steps, s => s.RightLatex.Contains(@"\frac{l_1}{2}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_long_equation_is_cut_into_math_elements_at_its_operators_with_the_same_spacing()
    {
        var e = MatCalc.Parse("-tr(A) + x' y - ((B - C) : D) * tr(A)", "A: n x n; B: n x n; C: n x n; D: n x n; x: n; y: n").Expr;
        var html = MathMlLayout.Equation("<mi>f</mi>", MathMlPrinter.Row(e));
        var pieces = html.Split("<wbr>");
        Assert.True(pieces.Length >= 4, html);
        var elements = pieces.Select(XElement.Parse).ToList();
        Assert.All(elements, m => Assert.Equal("{http://www.w3.org/1998/Math/MathML}math", m.Name.ToString()));
        // Each later piece starts with a binary operator marked infix, so it keeps its spacing at the start of a line.
        foreach (var m in elements.Skip(1))
        {
            var first = m.Elements().Single().Elements().First();
            Assert.Equal("mo", first.Name.LocalName);
            Assert.Equal("infix", (string?)first.Attribute("form"));
        }
        // The unary minus after = stays a prefix operator, and the pieces together read as the formula.
        var all = string.Concat(elements.Select(m => m.Value));
        Assert.Equal(XElement.Parse($"<math>{"<mrow><mi>f</mi><mo>=</mo>" + MathMlPrinter.Row(e) + "</mrow>"}</math>").Value, all);
        Assert.Contains("<mo form=\"prefix\">−</mo>", html);
    }

    [Fact]
    public void Derivations_lay_out_in_columns_that_wrap_not_in_boxes_that_scroll()
    {
        var html = Html.Gradient(MatCalc.Gradient(MatCalc.Parse("ln det(W W' + s^2 I)", "W: n x m; s: scalar"), "W"));
        Assert.Contains("grid-template-columns:repeat(auto-fit,minmax(min(100%,20em),1fr))", html);
        Assert.DoesNotContain("overflow-x:auto", html);
        Assert.Contains("<wbr>", html);
    }

    [Theory]
    [InlineData("<p>the entry X_ab of E_ij</p>", "<p>the entry X<sub>ab</sub> of E<sub>ij</sub></p>")]
    [InlineData("<p>‖A‖²_F and 2X_ij and XᵀE_ij and y_{k+1}</p>", "<p>‖A‖²<sub>F</sub> and 2X<sub>ij</sub> and XᵀE<sub>ij</sub> and y<sub>k+1</sub></p>")]
    [InlineData("<p>the rule trace_as_frobenius</p>", "<p>the rule trace_as_frobenius</p>")]
    [InlineData("<p><code>X_ab</code> <a href=\"a_b.html\">x</a></p>", "<p><code>X_ab</code> <a href=\"a_b.html\">x</a></p>")]
    public void Prose_subscripts_are_typeset_outside_code(string html, string expected) => Assert.Equal(expected, Prose.Subscripts(html));
}
