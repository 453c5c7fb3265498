using NotebookCalc.Semantics;

namespace NotebookCalc.Calculus;

/// <summary>
/// One line of a derivation: <c>Lhs = Rhs</c>, both typed terms (<see cref="StepTerm"/>), justified by the named rules of
/// the catalogue. The printers write it (Rendering's StepFormat); a step holds no markup.
/// </summary>
public sealed record DerivationStep(StepTerm Lhs, StepTerm Rhs, IReadOnlyList<string> Rules, string? Note = null)
{
    public DerivationStep(StepTerm lhs, Expr rhs, IReadOnlyList<string> rules) : this(lhs, new ExprTerm(rhs), rules) { }

    /// <summary>The right-hand side when it is one expression; null for an index sum or the basis chain.</summary>
    public Expr? Expression => Rhs is ExprTerm e ? e.Expr : null;

    /// <summary>The rules applied, as references into the catalogue with the side conditions they relied on.</summary>
    public IReadOnlyList<RuleRef> Applied => Rules.Select(RuleRef.Of).ToList();

    /// <summary>The rules' names joined for display (the first is the main one).</summary>
    public string Rule => string.Join(", ", Rules);

    /// <summary>Same line as <paramref name="other"/>: the same terms on both sides (compared as trees, not as text).</summary>
    public bool SameLine(DerivationStep other) => Lhs == other.Lhs && Rhs == other.Rhs;
}

/// <summary>A derivation by one method: its steps and the gradient it arrives at (or why it could not).</summary>
public sealed record Derivation(string Method, IReadOnlyList<DerivationStep> Steps, Expr? Gradient, string? Unsupported = null)
{
    /// <summary>The method stopped because the derivation would exceed one of its budgets (<see cref="Budget"/>).</summary>
    public bool OverBudget { get; init; }

    public bool Succeeded => Gradient is not null;
}
