using NotebookCalc.Text;

namespace NotebookCalc.Syntax;

public enum SyntaxKind
{
    Number,
    Name,
    /// <summary>Binary operator; <see cref="SyntaxNode.Text"/> is one of + - * juxt / .* ./ : kron.</summary>
    Binary,
    Negate,
    Transpose,
    Inverse,
    /// <summary>A ^ k (matrix power, scalar power); the exponent is <see cref="SyntaxNode.Value"/>.</summary>
    Power,
    /// <summary>A .^ p or A^{∘p}.</summary>
    HadamardPower,
    /// <summary>name(args…): a built-in function, or an opaque function declared as `F: n x l function of w`.</summary>
    Call,
    /// <summary>‖A‖ or |A|_F; <see cref="SyntaxNode.Text"/> is "fro", "2" or "1".</summary>
    Norm,
    /// <summary>|A| without a norm subscript: the determinant.</summary>
    Determinant,
    Group,
}

/// <summary>A node of the concrete syntax tree, with the span of the text it came from.</summary>
public sealed record SyntaxNode(SyntaxKind Kind, TextSpan Span, string Text, double Value, IReadOnlyList<SyntaxNode> Children)
{
    /// <summary>The span of the operator token itself (for binary and postfix operators), used to point at clashes.</summary>
    public TextSpan OperatorSpan { get; init; } = Span;

    /// <summary>For a transpose written with a name after `^` (`A^T`, `A^{T}`, `A^top`): that name's token. The binder
    /// reads it as the transpose only while no symbol of that name is declared.</summary>
    public Token? Mark { get; init; }

    /// <summary>Height of the tree below and including this node (limited by <see cref="Parser.MaxDepth"/>).</summary>
    public int Depth { get; } = 1 + (Children.Count == 0 ? 0 : Children.Max(c => c.Depth));

    public SyntaxNode this[int i] => Children[i];

    public static SyntaxNode Leaf(SyntaxKind kind, TextSpan span, string text, double value = 0) => new(kind, span, text, value, []);
}
