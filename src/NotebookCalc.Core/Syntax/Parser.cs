using NotebookCalc.Text;

namespace NotebookCalc.Syntax;

/// <summary>
/// Pratt parser for matcalc expressions. Binding powers come from <see cref="OperatorFacts"/> (shared with the printers),
/// loosest first: `:`, `+ -`, `* / .* ./ ⊙ ⊘ ⊗` and juxtaposition (left-associative), unary minus, postfix `' ᵀ ⁻¹ ^`.
/// Stops at the first syntax error and reports it as a <see cref="MatcalcException"/>.
/// </summary>
public sealed class Parser
{
    public const int MaxLength = 20_000;
    public const int MaxDepth = 256;

    /// <summary>Every spelling of a built-in function (<see cref="BuiltinFunctions"/>): a name followed by an operand or a
    /// parenthesised argument list.</summary>
    public static IReadOnlySet<string> Functions => BuiltinFunctions.Spellings;

    private const int BpUnary = Precedence.Unary;

    private readonly string _source;
    private readonly List<Token> _tokens;
    private int _pos;
    private int _depth;
    private int _insideBars;
    private int _insideNorm;

    private Parser(string source, List<Token> tokens)
    {
        _source = source;
        _tokens = tokens;
    }

    /// <summary>Parses a whole expression or throws a <see cref="MatcalcException"/> with one diagnostic.</summary>
    public static SyntaxNode Parse(string source)
    {
        if (source.Length > MaxLength)
            throw new MatcalcException(source, DiagnosticCatalog.TooLong.At(new TextSpan(MaxLength, source.Length - MaxLength),
                $"The expression is {source.Length:N0} characters long; the limit is {MaxLength:N0}.",
                "Split the function into named parts, or declare a symbol for a repeated subexpression."));
        var diagnostics = new List<Diagnostic>();
        var tokens = Lexer.Tokenize(source, diagnostics);
        if (diagnostics.Count > 0) throw new MatcalcException(source, diagnostics[0]);
        var parser = new Parser(source, tokens);
        if (parser.Current.Kind == TokenKind.End)
            throw new MatcalcException(source, DiagnosticCatalog.EmptyExpression.At(new TextSpan(0, source.Length),
                "The expression is empty.", "Write a function of matrices, e.g. tr(W W')."));
        var node = parser.ParseExpression(0);
        if (parser.Current.Kind != TokenKind.End)
            throw parser.Error(parser.Current.Kind is TokenKind.RParen or TokenKind.RBrace
                    ? $"Unbalanced '{parser.Current.Text}': there is no matching opening bracket."
                    : $"Unexpected '{parser.Current.Text}' after a complete expression.",
                parser.Current.Kind is TokenKind.RParen or TokenKind.RBrace
                    ? "Remove the extra closing bracket or add the opening one."
                    : "Join the parts with an operator (+, -, *, :) or remove the extra text.");
        return node;
    }

    private Token Current => _tokens[_pos];
    private Token PeekAt(int k) => _tokens[Math.Min(_pos + k, _tokens.Count - 1)];
    private Token Advance() => _tokens[_pos < _tokens.Count - 1 ? _pos++ : _pos];

    private MatcalcException Error(string message, string hint, TextSpan? span = null) =>
        new(_source, DiagnosticCatalog.SyntaxError.At(span ?? Current.Span, message, hint));

    private Token Expect(TokenKind kind, string what, TextSpan openedAt)
    {
        if (Current.Kind == kind) return Advance();
        var found = Current.Kind == TokenKind.End ? "the end of the expression" : $"'{Current.Text}'";
        throw new MatcalcException(_source, DiagnosticCatalog.UnclosedBracket.At(Current.Kind == TokenKind.End ? openedAt : Current.Span,
            $"Expected {what} but found {found}.",
            $"Close the bracket opened at column {DiagnosticFormatter.Position(_source, openedAt.Start).Column}."));
    }

    private MatcalcException Ambiguous(Token function, SyntaxNode operand)
    {
        var restStart = Current.Span.Start;
        var end = Current.Span.End;
        try { end = ParseExpression(Precedence.Sum).Span.End; } // the rest of the product, for the message
        catch (MatcalcException) { }
        var first = Snippet(operand);
        var rest = Snippet(TextSpan.FromBounds(restStart, end));
        var all = Snippet(TextSpan.FromBounds(operand.Span.Start, end));
        return new MatcalcException(_source, DiagnosticCatalog.AmbiguousArgument.At(TextSpan.FromBounds(function.Span.Start, end),
            $"The argument of {function.Text} is ambiguous: without brackets {function.Text} applies to {first} alone, so this would read {function.Text}({first}) {rest}.",
            $"Write {function.Text}({all}) if the product is the argument, or {function.Text}({first}) {rest} if it is not."));
    }

    private string Snippet(SyntaxNode n) => Snippet(n.Span);

    private string Snippet(TextSpan span)
    {
        var text = _source.Substring(span.Start, span.Length).Trim();
        return text.Length > 32 ? text[..29] + "…" : text;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth) throw TooDeep(Current.Span);
    }

    private MatcalcException TooDeep(TextSpan span) =>
        new(_source, DiagnosticCatalog.TooDeep.At(span,
            $"The expression is nested more than {MaxDepth} levels deep (each operator in a long chain counts as a level).",
            "Simplify the expression, split a long sum, or name a subexpression with a declaration."));

    /// <summary>Every node built is checked here, so later phases (which recurse over the tree) never overflow the stack.</summary>
    private SyntaxNode Checked(SyntaxNode node) => node.Depth > MaxDepth ? throw TooDeep(node.OperatorSpan) : node;

    private SyntaxNode ParseExpression(int minBp)
    {
        Enter();
        try
        {
            var left = ParsePrefix();
            while (true)
            {
                var op = Current;
                var (bp, text) = InfixOperator(op);
                if (bp == 0 || bp <= minBp) break;
                var juxtaposed = text == "juxt";
                if (!juxtaposed) Advance();
                var right = ParseExpression(bp);
                left = Checked(new SyntaxNode(SyntaxKind.Binary, left.Span.Union(right.Span), text, 0, [left, right])
                {
                    OperatorSpan = juxtaposed ? TextSpan.FromBounds(left.Span.End, right.Span.Start) : op.Span,
                });
            }
            return left;
        }
        finally { _depth--; }
    }

    private (int Bp, string Text) InfixOperator(Token t) =>
        OperatorFacts.ForToken(t.Kind) is { } op ? (op.Precedence, op.Syntax)
        : StartsOperand(t) ? (OperatorFacts.Juxtapose.Precedence, OperatorFacts.Juxtapose.Syntax)
        : (0, "");

    private bool StartsOperand(Token t) => t.Kind switch
    {
        TokenKind.Identifier or TokenKind.Number or TokenKind.LParen or TokenKind.LBrace => true,
        TokenKind.Command => t.Text == "frac",
        TokenKind.DoubleBar => _insideNorm == 0,
        TokenKind.Bar => _insideBars == 0,
        _ => false,
    };

    private SyntaxNode ParsePrefix()
    {
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.Minus:
            {
                Advance();
                var operand = ParseExpression(BpUnary);
                return Checked(new SyntaxNode(SyntaxKind.Negate, t.Span.Union(operand.Span), "-", 0, [operand]) { OperatorSpan = t.Span });
            }
            case TokenKind.Plus:
                Advance();
                return ParseExpression(BpUnary);
            default:
                return ParsePostfix(ParsePrimary());
        }
    }

    private SyntaxNode ParsePrimary()
    {
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.Number:
                Advance();
                return SyntaxNode.Leaf(SyntaxKind.Number, t.Span, t.Text, t.Value);
            case TokenKind.Identifier:
                return ParseName();
            case TokenKind.LParen:
            case TokenKind.LBrace:
            {
                Advance();
                var savedBars = (_insideBars, _insideNorm);
                (_insideBars, _insideNorm) = (0, 0);
                var inner = ParseExpression(0);
                (_insideBars, _insideNorm) = savedBars;
                var close = Expect(t.Kind == TokenKind.LParen ? TokenKind.RParen : TokenKind.RBrace,
                    t.Kind == TokenKind.LParen ? "')'" : "'}'", t.Span);
                return new SyntaxNode(SyntaxKind.Group, t.Span.Union(close.Span), "()", 0, [inner]);
            }
            case TokenKind.DoubleBar:
                return ParseNorm();
            case TokenKind.Bar:
                return ParseBars();
            case TokenKind.Command when t.Text == "frac":
            {
                Advance();
                var open1 = Expect(TokenKind.LBrace, "'{' after \\frac", t.Span);
                var num = ParseExpression(0);
                Expect(TokenKind.RBrace, "'}'", open1.Span);
                var open2 = Expect(TokenKind.LBrace, "a second '{' (\\frac{a}{b})", t.Span);
                var den = ParseExpression(0);
                var close = Expect(TokenKind.RBrace, "'}'", open2.Span);
                var span = t.Span.Union(close.Span);
                return new SyntaxNode(SyntaxKind.Binary, span, "/", 0,
                    [new SyntaxNode(SyntaxKind.Group, num.Span, "()", 0, [num]), new SyntaxNode(SyntaxKind.Group, den.Span, "()", 0, [den])])
                { OperatorSpan = t.Span };
            }
            case TokenKind.End:
                throw Error("The expression ends where an operand was expected.", "Complete the expression after the last operator.");
            case TokenKind.RParen or TokenKind.RBrace:
                throw Error($"Expected an operand but found '{t.Text}'.", "Put an expression inside the brackets, or remove them.");
            default:
                throw Error($"Expected an operand but found '{t.Text}'.",
                    "An operand is a name, a number, a bracketed expression, a norm ‖…‖ or a function call such as tr(A).");
        }
    }

    private SyntaxNode ParseName()
    {
        var t = Advance();
        var isFunction = Functions.Contains(t.Text);
        if (Current.Kind == TokenKind.LParen && (isFunction || !Current.SpaceBefore))
        {
            var open = Advance();
            var args = new List<SyntaxNode>();
            var saved = (_insideBars, _insideNorm);
            (_insideBars, _insideNorm) = (0, 0);
            if (Current.Kind != TokenKind.RParen)
            {
                args.Add(ParseExpression(0));
                while (Current.Kind == TokenKind.Comma)
                {
                    Advance();
                    args.Add(ParseExpression(0));
                }
            }
            (_insideBars, _insideNorm) = saved;
            var close = Expect(TokenKind.RParen, "')' or ','", open.Span);
            return new SyntaxNode(SyntaxKind.Call, t.Span.Union(close.Span), t.Text, 0, args) { OperatorSpan = t.Span };
        }
        if (isFunction)
        {
            if (!StartsOperand(Current) && Current.Kind != TokenKind.DoubleBar && Current.Kind != TokenKind.Bar)
                throw Error($"The function {t.Text} needs an argument.", $"Write {t.Text}(A).", t.Span);
            // `ln det(X)`, `log|A|`, `tr A`: the function applies to the next operand with its postfix operators.
            Enter();
            try
            {
                var operand = ParsePostfix(ParsePrimary());
                // tr A B, exp a' x: textbooks mean tr(A B) and exp(a' x), the grammar would read tr(A) B; neither is guessed.
                if (StartsOperand(Current)) throw Ambiguous(t, operand);
                return new SyntaxNode(SyntaxKind.Call, t.Span.Union(operand.Span), t.Text, 0, [operand]) { OperatorSpan = t.Span };
            }
            finally { _depth--; }
        }
        return SyntaxNode.Leaf(SyntaxKind.Name, t.Span, t.Text);
    }

    private SyntaxNode ParseNorm()
    {
        var open = Advance();
        _insideNorm++;
        var saved = _insideBars;
        _insideBars = 0;
        var inner = ParseExpression(0);
        _insideBars = saved;
        _insideNorm--;
        var close = Expect(TokenKind.DoubleBar, "'‖' closing the norm", open.Span);
        return ParseNormSuffix(inner, open.Span.Union(close.Span), defaultKind: "fro");
    }

    private SyntaxNode ParseBars()
    {
        var open = Advance();
        _insideBars++;
        var saved = _insideNorm;
        _insideNorm = 0;
        var inner = ParseExpression(0);
        _insideNorm = saved;
        _insideBars--;
        var close = Expect(TokenKind.Bar, "'|' closing |…|", open.Span);
        var span = open.Span.Union(close.Span);
        if (Current.Kind is TokenKind.Underscore or TokenKind.Subscript)
            return ParseNormSuffix(inner, span, defaultKind: "fro");
        return new SyntaxNode(SyntaxKind.Determinant, span, "det", 0, [inner]);
    }

    /// <summary>Subscript (_F, _2, ₂, _1) and power (^2, ²) after a norm, in either order.</summary>
    private SyntaxNode ParseNormSuffix(SyntaxNode inner, TextSpan span, string defaultKind)
    {
        string? kind = null;
        SyntaxNode? power = null;
        for (var i = 0; i < 2; i++)
        {
            if (kind is null && Current.Kind == TokenKind.Underscore)
            {
                Advance();
                var braced = Current.Kind == TokenKind.LBrace;
                var bo = Current;
                if (braced) Advance();
                var sub = Advance();
                kind = sub switch
                {
                    { Kind: TokenKind.Identifier, Text: "F" or "fro" } => "fro",
                    { Kind: TokenKind.Number, Value: 2 } => "2",
                    { Kind: TokenKind.Number, Value: 1 } => "1",
                    _ => throw Error($"Unknown norm subscript '{sub.Text}'.", "Use ‖A‖_F (Frobenius), ‖x‖_2 or ‖A‖_1 (sum of absolute entries).", sub.Span),
                };
                if (braced) Expect(TokenKind.RBrace, "'}'", bo.Span);
                span = span.Union(_tokens[_pos - 1].Span);
            }
            else if (kind is null && Current.Kind == TokenKind.Subscript)
            {
                var sub = Advance();
                kind = sub.Value switch
                {
                    2 => "2",
                    1 => "1",
                    _ => throw Error($"Unknown norm subscript '{sub.Text}'.", "Use ‖A‖_F, ‖x‖₂ or ‖A‖₁.", sub.Span),
                };
                span = span.Union(sub.Span);
            }
            else if (power is null && Current.Kind is TokenKind.Caret or TokenKind.SuperscriptNumber)
            {
                var node = new SyntaxNode(SyntaxKind.Norm, span, kind ?? defaultKind, 0, [inner]);
                power = ParsePowerOperator(node) ?? node;
            }
        }
        var norm = new SyntaxNode(SyntaxKind.Norm, span, kind ?? defaultKind, 0, [inner]);
        if (power is null) return norm;
        // Rebuild the power around the norm with the final subscript.
        return power with { Children = [norm], Span = span.Union(power.Span) };
    }

    private SyntaxNode ParsePostfix(SyntaxNode operand)
    {
        while (true)
        {
            Checked(operand);
            var t = Current;
            switch (t.Kind)
            {
                case TokenKind.Apostrophe:
                case TokenKind.SuperscriptT:
                    Advance();
                    operand = new SyntaxNode(SyntaxKind.Transpose, operand.Span.Union(t.Span), "'", 0, [operand]) { OperatorSpan = t.Span };
                    continue;
                case TokenKind.Caret:
                case TokenKind.SuperscriptNumber:
                    operand = ParsePowerOperator(operand)!;
                    continue;
                case TokenKind.DotCaret:
                {
                    Advance();
                    var (value, end) = ParseExponentNumber(t);
                    operand = new SyntaxNode(SyntaxKind.HadamardPower, TextSpan.FromBounds(operand.Span.Start, end), ".^", value, [operand]) { OperatorSpan = t.Span };
                    continue;
                }
                default:
                    return operand;
            }
        }
    }

    /// <summary>Parses ^T, ^\top, ^-1, ^{-1}, ^(-1), ^2, ^{∘2}, ⁻¹, ², ⁻ᵀ after an operand.</summary>
    private SyntaxNode? ParsePowerOperator(SyntaxNode operand)
    {
        var t = Advance();
        if (t.Kind == TokenKind.SuperscriptNumber)
            return PowerNode(operand, t.Value, TextSpan.FromBounds(operand.Span.Start, t.Span.End), t.Span);
        var next = Current;
        if (next.Kind is TokenKind.LBrace or TokenKind.LParen)
        {
            var open = Advance();
            var closeKind = open.Kind == TokenKind.LBrace ? TokenKind.RBrace : TokenKind.RParen;
            SyntaxNode result;
            if (Current.Kind == TokenKind.Hadamard)
            {
                Advance();
                var value = ParseExponentRatio(t);
                var close0 = Expect(closeKind, "a closing bracket", open.Span);
                return new SyntaxNode(SyntaxKind.HadamardPower, TextSpan.FromBounds(operand.Span.Start, close0.Span.End), ".^", value, [operand]) { OperatorSpan = t.Span };
            }
            if (IsTransposeMark(Current))
            {
                var mark = Advance();
                result = new SyntaxNode(SyntaxKind.Transpose, operand.Span, "'", 0, [operand]) { OperatorSpan = t.Span, Mark = mark };
            }
            else
            {
                var value = ParseExponentRatio(t);
                result = PowerNode(operand, value, operand.Span, t.Span);
            }
            var close = Expect(closeKind, "a closing bracket", open.Span);
            return result with { Span = TextSpan.FromBounds(operand.Span.Start, close.Span.End) };
        }
        if (IsTransposeMark(next))
        {
            Advance();
            return new SyntaxNode(SyntaxKind.Transpose, TextSpan.FromBounds(operand.Span.Start, next.Span.End), "'", 0, [operand]) { OperatorSpan = t.Span.Union(next.Span), Mark = next };
        }
        var (v, end) = ParseExponentNumber(t);
        return PowerNode(operand, v, TextSpan.FromBounds(operand.Span.Start, end), t.Span);
    }

    private static bool IsTransposeMark(Token t) =>
        t.Kind == TokenKind.SuperscriptT || (t.Kind == TokenKind.Identifier && t.Text is "T" or "top" or "mathsf");

    private static SyntaxNode PowerNode(SyntaxNode operand, double value, TextSpan span, TextSpan opSpan) =>
        value == -1
            ? new SyntaxNode(SyntaxKind.Inverse, span, "inv", 0, [operand]) { OperatorSpan = opSpan }
            : new SyntaxNode(SyntaxKind.Power, span, "^", value, [operand]) { OperatorSpan = opSpan };

    /// <summary>Inside brackets an exponent may be a ratio of numbers, ^(1/3) or .^{-2/3}, as textbooks write rational powers.</summary>
    private double ParseExponentRatio(Token op)
    {
        var (value, _) = ParseExponentNumber(op);
        if (Current.Kind != TokenKind.Slash) return value;
        var slash = Advance();
        var (denominator, _) = ParseExponentNumber(op);
        if (denominator == 0)
            throw Error("The exponent divides by zero.", "Write a ratio with a non-zero denominator, e.g. ^(1/3).", slash.Span);
        return value / denominator;
    }

    private (double Value, int End) ParseExponentNumber(Token op)
    {
        var negative = false;
        var start = Current;
        if (Current.Kind == TokenKind.Minus) { negative = true; Advance(); }
        if (Current.Kind == TokenKind.LBrace || Current.Kind == TokenKind.LParen)
        {
            var open = Advance();
            var inner = ParseExponentRatio(op);
            var close = Expect(open.Kind == TokenKind.LBrace ? TokenKind.RBrace : TokenKind.RParen, "a closing bracket", open.Span);
            return (negative ? -inner : inner, close.Span.End);
        }
        if (Current.Kind == TokenKind.Number)
        {
            var n = Advance();
            return (negative ? -n.Value : n.Value, n.Span.End);
        }
        throw Error(Current.Kind == TokenKind.Identifier
                ? $"The exponent '{Current.Text}' is not a number."
                : $"Expected an exponent after '{op.Text}' but found {(Current.Kind == TokenKind.End ? "the end of the expression" : $"'{Current.Text}'")}.",
            "Exponents are numbers (A^2, A^-1, x.^0.5) or T for the transpose (A^T).",
            Current.Kind == TokenKind.End ? op.Span : start.Span);
    }
}
