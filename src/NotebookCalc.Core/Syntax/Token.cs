using NotebookCalc.Text;

namespace NotebookCalc.Syntax;

public enum TokenKind
{
    End, Identifier, Number, Plus, Minus, Star, Slash, DotStar, DotSlash, DotCaret, Caret, Apostrophe, Colon,
    Comma, LParen, RParen, LBrace, RBrace, Bar, DoubleBar, Underscore, SuperscriptT, SuperscriptNumber,
    Subscript, Hadamard, HadamardDiv, Kron, Command, Bad,
}

/// <summary>A lexical token. <see cref="Text"/> is the normalised spelling (Greek letters as ASCII names).</summary>
public sealed record Token(TokenKind Kind, TextSpan Span, string Text, double Value = 0, bool SpaceBefore = false);
