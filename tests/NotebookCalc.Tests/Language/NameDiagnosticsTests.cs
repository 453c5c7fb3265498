using NotebookCalc.Calculus;
using NotebookCalc.Semantics;
using NotebookCalc.Syntax;
using NotebookCalc.Tests.Support;
using NotebookCalc.Text;

namespace NotebookCalc.Tests.Language;

/// <summary>
/// No silent misreading (issue 12): a name before a bracket that is neither built in nor declared is an error at that
/// name, never an inferred scalar times the bracket; `A^T` with T declared is not a transpose. Spans are marked ⟦…⟧.
/// </summary>
public class NameDiagnosticsTests
{
    private const string Where = "X: n x m; Y: n x m; A: n x n; B: n x n; s: scalar";

    [Theory]
    [InlineData("sum(⟦relu⟧(X))")]
    [InlineData("sum(⟦softplus⟧(X))")]
    [InlineData("sum(⟦log1p⟧(X))")]
    [InlineData("⟦foo⟧(tr(A))")]
    [InlineData("tr(A) + ⟦foo⟧(A, B)")]
    [InlineData("⟦c⟧(X + Y) : X")]
    [InlineData("sum(⟦relu⟧[X])")]
    [InlineData("sum(⟦\\operatorname{relu}⟧(X))")]
    [InlineData("tr(A ⟦g⟧(B))")]
    public void Binder_UnknownFunction_ReportsTheName(string annotated)
    {
        var d = AnnotatedText.AssertDiagnostic(annotated, Where, "MC1013");
        Assert.Contains("The built-in functions are tr, det, logdet", d.Hint);
        Assert.Contains("function of", d.Hint); // how to declare it as an opaque function
    }

    [Theory]
    [InlineData("sum(⟦sigmiod⟧(X))", "sigmoid")]
    [InlineData("⟦dte⟧(A)", "det")]
    [InlineData("sum(⟦Exp⟧(X))", "exp")]
    [InlineData("⟦Trace⟧(A)", "trace")]
    [InlineData("⟦logdte⟧(A)", "logdet")]
    [InlineData("sum(⟦softmx⟧(X))", "softmax")]
    public void Binder_NearMissOfAFunction_SuggestsIt(string annotated, string suggestion)
    {
        var d = AnnotatedText.AssertDiagnostic(annotated, Where, "MC1013");
        Assert.Contains($"did you mean {suggestion}(…)?", d.Message);
    }

    [Fact]
    public void Binder_NearMissOfADeclaredFunction_SuggestsIt()
    {
        var d = AnnotatedText.AssertDiagnostic("norm(⟦Fw⟧(w))^2", "Fx: n x l function of w; w: d x n", "MC1013");
        Assert.Contains("did you mean Fx(…)?", d.Message);
    }

    [Fact]
    public void Binder_NearMissOfADeclaredSymbolBeforeABracket_SuggestsIt()
    {
        var d = AnnotatedText.AssertDiagnostic("tr(⟦Omgea⟧(W' W))", "W: n x m; Omega: m x m", "MC1013");
        Assert.Contains("did you mean Omega (m×m) times the bracket?", d.Message);
    }

    [Fact]
    public void Session_UnknownFunction_IsDisplayedAsADiagnosticAtTheName()
    {
        var s = new NotebookCalc.Notebook.MatCalcSession();
        s.Run("#!matcalc let \"X: n x m\"");
        var display = Assert.IsType<NotebookCalc.Notebook.DiagnosticsDisplay>(Assert.Single(s.Run("#!matcalc gradient \"sum(relu(X))\" --wrt X")));
        var d = Assert.Single(display.Diagnostics);
        Assert.Equal("MC1013", d.Id);
        Assert.Equal(new TextSpan(4, 4), d.Span);
    }

    [Fact]
    public void Gradient_of_an_unknown_function_is_refused_not_derived()
    {
        // Before: "relu ones(n, m)", check passed — relu was an inferred scalar.
        var ex = Assert.Throws<MatcalcException>(() => MatCalc.Gradient("sum(relu(X))", "X", "X: n x m"));
        Assert.Equal("MC1013", ex.Diagnostics[0].Id);
        Assert.Contains("(`relu: n x m function of X`)", ex.Diagnostics[0].Hint);
        var (code, output, err) = NotebookCalc.Tests.Cli.CliTests.Run("gradient", "sum(relu(X))", "--wrt", "X", "--where", "X: n x m");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("error MC1013 at 1:5: relu(…) is not a function", err);
    }

    [Theory]
    [InlineData("s (A + B)", "s (A + B)")]   // a declared scalar before a bracket scales it
    [InlineData("s(A + B)", "s (A + B)")]
    [InlineData("A (B)", "A B")]           // a declared matrix before a bracket multiplies it
    [InlineData("A(B + I)", "A (B + I_n)")]
    [InlineData("I (A)", "I_n A")]
    [InlineData("(c) (X + Y)", "c (X + Y)")] // an undeclared name in its own brackets is a deliberate scalar
    [InlineData("c * (X + Y)", "c (X + Y)")]
    [InlineData("c (X + Y)", "c (X + Y)")]   // with a space, juxtaposition as the printer writes it: the text parses back
    public void Binder_DeclaredSymbolBeforeABracket_IsAProduct(string text, string printed) =>
        Assert.Equal(printed, MatCalc.Parse(text, Where).Text);

    [Fact]
    public void Binder_UndeclaredNameSpacedBeforeABracket_IsAScalarWithANote()
    {
        var e = MatCalc.Parse("sum(relu (X))", Where);
        Assert.Contains(e.Notes, n => n.Id == "MC1100" && n.Message == "relu is not declared; it is taken to be a scalar.");
    }

    [Fact]
    public void Binder_DeclaredFunction_IsACall()
    {
        var e = MatCalc.Parse("sum(relu(X))", "X: n x m; relu: n x m function of X");
        Assert.IsType<OpaqueCall>(((SumAll)e.Expr).A);
    }

    [Theory]
    [InlineData("A^⟦T⟧", "T: scalar")]
    [InlineData("A^{⟦T⟧}", "T: n x n")]
    [InlineData("A^(⟦T⟧)", "T: scalar")]
    [InlineData("tr(A^⟦T⟧ B)", "T: scalar")]
    [InlineData("A^⟦top⟧", "top: scalar")]
    public void Binder_CaretWithADeclaredT_IsNotATranspose(string annotated, string declaration)
    {
        var d = AnnotatedText.AssertDiagnostic(annotated, "A: n x n; B: n x n; " + declaration, "MC1019");
        Assert.Contains("not the transpose", d.Message);
        Assert.Contains("A'", d.Hint);
    }

    [Theory]
    [InlineData("A^T", "A: n x n")]
    [InlineData("A^{T}", "A: n x n")]
    [InlineData("A^\\top", "A: n x n; T: scalar")] // \top and ᵀ are transposes whatever is declared
    [InlineData("Aᵀ", "A: n x n; T: scalar")]
    public void Binder_CaretT_IsATransposeWhileTIsNotDeclared(string text, string where) =>
        Assert.IsType<Transpose>(MatCalc.Parse(text, where).Expr);

    [Theory]
    [InlineData("⟦kron(A)⟧", "takes 2 arguments but was given 1")]
    [InlineData("⟦tr(A, B)⟧", "takes 1 argument but was given 2")]
    [InlineData("A + ⟦zeros(n, n, n)⟧", "takes 1 or 2 arguments but was given 3")]
    [InlineData("⟦eye()⟧", "takes 1 argument but was given 0")]
    public void Binder_WrongArity_ReportsTheCall(string annotated, string message) =>
        Assert.Contains(message, AnnotatedText.AssertDiagnostic(annotated, Where, "MC1014").Message);

    [Theory]
    [InlineData("tr", "MC1018")]
    [InlineData("relu", null)]
    public void Builtin_function_names_are_reserved(string name, string? id)
    {
        if (id is null) { Assert.True(Scope.Parse($"{name}: scalar").TryGet(name, out _)); return; }
        var d = Assert.Single(Assert.Throws<MatcalcException>(() => Scope.Parse($"{name}: scalar")).Diagnostics);
        Assert.Equal(id, d.Id);
        Assert.Equal(new TextSpan(0, name.Length), d.Span);
    }

    [Theory]
    [InlineData("⟦tr A B⟧", "tr(A B)")]
    [InlineData("⟦tr A' B .* A⟧ + s", "tr(A' B .* A)")]
    [InlineData("⟦exp x' y⟧", "exp(x' y)")]
    [InlineData("s + ⟦ln det(A) B⟧ + s", "ln(det(A) B)")]
    [InlineData("⟦\\operatorname{tr} A B⟧", "tr(A B)")]
    public void Parser_BracketlessFunctionBeforeAJuxtaposedOperand_IsAmbiguous(string annotated, string hint) =>
        Assert.Contains(hint, AnnotatedText.AssertDiagnostic(annotated, Where + "; x: n; y: n", "MC0007").Hint);

    [Theory]
    [InlineData("tr A", "tr(A)")]
    [InlineData("ln det A + tr A'", "logdet(A) + tr(A')")]
    [InlineData("exp X + 1", "exp(X) + 1")]
    [InlineData("tr(A) B", "tr(A) B")]
    [InlineData("s tr A", "s tr(A)")]
    public void Parser_BracketlessFunctionOfOneOperand_StillReads(string text, string printed) =>
        Assert.Equal(printed, MatCalc.Parse(text, Where).Text);
}
