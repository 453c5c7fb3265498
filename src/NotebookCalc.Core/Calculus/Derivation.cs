using NotebookCalc.Rendering;
using NotebookCalc.Semantics;

namespace NotebookCalc.Calculus;

/// <summary>One line of a derivation: <c>Lhs = Expression</c>, justified by the named rules.</summary>
public sealed record DerivationStep(string LhsLatex, string LhsText, Expr Expression, IReadOnlyList<string> Rules, string? Note = null)
{
    /// <summary>Right-hand side written out by hand when it is not a single expression (e.g. "tr(GᵀE_ij) = G_ij").</summary>
    public string? RhsLatex { get; init; }

    public string? RhsText { get; init; }

    /// <summary>The hand-written right-hand side as presentation MathML (the inside of an &lt;mrow&gt;), for HTML.</summary>
    public string? RhsMathMl { get; init; }

    public string RightLatex => RhsLatex ?? LatexPrinter.Print(Expression);

    public string Latex => $"{LhsLatex} = {RightLatex}";

    public string Text => $"{LhsText} = {RhsText ?? TextPrinter.Print(Expression)}";

    /// <summary>The rules' names joined for display (the first is the main one).</summary>
    public string Rule => string.Join(", ", Rules);
}

/// <summary>A derivation by one method: its steps and the gradient it arrives at (or why it could not).</summary>
public sealed record Derivation(string Method, IReadOnlyList<DerivationStep> Steps, Expr? Gradient, string? Unsupported = null)
{
    /// <summary>The method stopped because the derivation would exceed one of its budgets (<see cref="Budget"/>).</summary>
    public bool OverBudget { get; init; }

    public bool Succeeded => Gradient is not null;
}
