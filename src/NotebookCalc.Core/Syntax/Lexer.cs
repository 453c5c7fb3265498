using System.Globalization;
using System.Text;
using NotebookCalc.Text;

namespace NotebookCalc.Syntax;

/// <summary>Turns matcalc text (ASCII, Unicode or LaTeX-like spellings) into tokens.</summary>
public sealed class Lexer
{
    private readonly string _text;
    private int _pos;

    private static readonly Dictionary<string, TokenKind> Commands = new(StringComparer.Ordinal)
    {
        ["odot"] = TokenKind.Hadamard, ["circ"] = TokenKind.Hadamard, ["otimes"] = TokenKind.Kron,
        ["cdot"] = TokenKind.Star, ["times"] = TokenKind.Star, ["oslash"] = TokenKind.HadamardDiv,
        ["lVert"] = TokenKind.DoubleBar, ["rVert"] = TokenKind.DoubleBar, ["Vert"] = TokenKind.DoubleBar,
        ["|"] = TokenKind.DoubleBar, ["lvert"] = TokenKind.Bar, ["rvert"] = TokenKind.Bar, ["top"] = TokenKind.SuperscriptT,
        ["intercal"] = TokenKind.SuperscriptT, ["mathsf"] = TokenKind.Command,
    };

    private static readonly HashSet<string> FunctionCommands =
        ["ln", "log", "det", "exp", "sin", "cos", "tanh", "tr", "sqrt", "Tr", "trace"];

    public Lexer(string text) => _text = text;

    public static List<Token> Tokenize(string text, List<Diagnostic> diagnostics)
    {
        var lexer = new Lexer(text);
        var tokens = new List<Token>();
        while (true)
        {
            var token = lexer.Next(diagnostics);
            tokens.Add(token);
            if (token.Kind is TokenKind.End or TokenKind.Bad) break;
        }
        return tokens;
    }

    private char Peek(int offset = 0) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private Token Next(List<Diagnostic> diagnostics)
    {
        var space = SkipTrivia();
        var start = _pos;
        if (_pos >= _text.Length) return new Token(TokenKind.End, new TextSpan(_text.Length, 0), "", 0, space);
        var c = _text[_pos];

        Token Simple(TokenKind kind, int length) { _pos += length; return new Token(kind, new TextSpan(start, length), _text.Substring(start, length), 0, space); }

        if (IsNameStart(c)) return LexName(start, space);
        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1)))) return LexNumber(start, space, diagnostics);
        switch (c)
        {
            case '+': return Simple(TokenKind.Plus, 1);
            case '-': case '−': case '–': return Simple(TokenKind.Minus, 1);
            case '*': case '·': case '×': return Simple(TokenKind.Star, 1);
            case '/': return Simple(TokenKind.Slash, 1);
            case '.' when Peek(1) == '*': return Simple(TokenKind.DotStar, 2);
            case '.' when Peek(1) == '/': return Simple(TokenKind.DotSlash, 2);
            case '.' when Peek(1) == '^': return Simple(TokenKind.DotCaret, 2);
            case '^': return Simple(TokenKind.Caret, 1);
            case '\'': case '′': case '’': return Simple(TokenKind.Apostrophe, 1);
            case ':': return Simple(TokenKind.Colon, 1);
            case ',': return Simple(TokenKind.Comma, 1);
            case '(': case '[': return Simple(TokenKind.LParen, 1) with { Text = "(" };
            case ')': case ']': return Simple(TokenKind.RParen, 1) with { Text = ")" };
            case '{': return Simple(TokenKind.LBrace, 1);
            case '}': return Simple(TokenKind.RBrace, 1);
            case '|' when Peek(1) == '|': return Simple(TokenKind.DoubleBar, 2);
            case '|': return Simple(TokenKind.Bar, 1);
            case '‖': return Simple(TokenKind.DoubleBar, 1);
            case '_': return Simple(TokenKind.Underscore, 1);
            case 'ᵀ': return Simple(TokenKind.SuperscriptT, 1);
            case '⊙': case '∘': return Simple(TokenKind.Hadamard, 1);
            case '⊘': return Simple(TokenKind.HadamardDiv, 1);
            case '⊗': return Simple(TokenKind.Kron, 1);
            case '\\': return LexCommand(start, space, diagnostics);
        }
        if (SuperscriptDigit(c) >= 0 || c == '⁻') return LexSuperscript(start, space);
        if (SubscriptDigit(c) >= 0)
        {
            var value = 0;
            while (SubscriptDigit(Peek()) >= 0) value = value * 10 + SubscriptDigit(_text[_pos++]);
            return new Token(TokenKind.Subscript, TextSpan.FromBounds(start, _pos), value.ToString(CultureInfo.InvariantCulture), value, space);
        }
        var pair = char.IsSurrogatePair(_text, _pos);
        var rune = pair ? _text.Substring(_pos, 2) : c.ToString();
        var code = pair ? char.ConvertToUtf32(rune, 0) : c;
        diagnostics.Add(DiagnosticCatalog.UnexpectedCharacter.At(new TextSpan(start, rune.Length),
            $"Unexpected character '{rune}' (U+{code:X4}).",
            "Use the operators of the matcalc language: + - * / ' ^ .* ./ : and functions such as tr(), det(), inv(); see `matcalc help`."));
        return new Token(TokenKind.Bad, new TextSpan(start, rune.Length), rune, 0, space);
    }

    private bool SkipTrivia()
    {
        var start = _pos;
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (char.IsWhiteSpace(c)) { _pos++; continue; }
            if (c == '#') { while (_pos < _text.Length && _text[_pos] != '\n') _pos++; continue; }
            if (c == '\\' && (Peek(1) is ',' or ';' or '!' or ' ')) { _pos += 2; continue; }
            if (c == '\\' && MatchWord("left") is int l) { _pos += 1 + l; continue; }
            if (c == '\\' && MatchWord("right") is int r) { _pos += 1 + r; continue; }
            if (c == '\\' && MatchWord("big") is int b) { _pos += 1 + b; while (_pos < _text.Length && char.IsAsciiLetter(_text[_pos])) _pos++; continue; }
            break;
        }
        return _pos > start;
    }

    private int? MatchWord(string word)
    {
        if (string.CompareOrdinal(_text, _pos + 1, word, 0, word.Length) != 0) return null;
        return word.Length;
    }

    public static bool IsNameStart(char c) => char.IsAsciiLetter(c) || Greek.TryGetName(c, out _);

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || Greek.TryGetName(c, out _) || SubscriptDigit(c) >= 0;

    private Token LexName(int start, bool space)
    {
        var sb = new StringBuilder();
        while (_pos < _text.Length && IsNamePart(_text[_pos]))
        {
            var c = _text[_pos];
            // A trailing '_' that does not continue the name (e.g. "‖A‖_F" handled elsewhere, "W_" alone) stays a token.
            // "K_(m,n)" is the commutation matrix as the printers write it: it reads as commutation(m,n).
            if (c == '_' && sb.Length == 1 && sb[0] == 'K' && _pos + 1 < _text.Length && _text[_pos + 1] == '(')
                return new Token(TokenKind.Identifier, TextSpan.FromBounds(start, ++_pos), BuiltinFunctions.Commutation.Name, 0, space);
            if (c == '_' && !(_pos + 1 < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos + 1]) || Greek.TryGetName(_text[_pos + 1], out _))))
                break;
            if (Greek.TryGetName(c, out var g)) sb.Append(g);
            else if (SubscriptDigit(c) >= 0) sb.Append((char)('0' + SubscriptDigit(c)));
            else sb.Append(c);
            _pos++;
        }
        return new Token(TokenKind.Identifier, TextSpan.FromBounds(start, _pos), Greek.Normalize(sb.ToString()), 0, space);
    }

    private Token LexNumber(int start, bool space, List<Diagnostic> diagnostics)
    {
        while (char.IsAsciiDigit(Peek())) _pos++;
        if (Peek() == '.' && char.IsAsciiDigit(Peek(1))) { _pos++; while (char.IsAsciiDigit(Peek())) _pos++; }
        if ((Peek() is 'e' or 'E') && (char.IsAsciiDigit(Peek(1)) || (Peek(1) is '+' or '-' && char.IsAsciiDigit(Peek(2)))))
        {
            _pos += 2;
            while (char.IsAsciiDigit(Peek())) _pos++;
        }
        var text = _text[start.._pos];
        var span = TextSpan.FromBounds(start, _pos);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsInfinity(value))
        {
            diagnostics.Add(DiagnosticCatalog.NumberTooLarge.At(span, $"The number {Shorten(text)} is too large to represent.",
                "Use a number below 1e308, or scale the expression by a declared scalar."));
            return new Token(TokenKind.Bad, span, text, 0, space);
        }
        return new Token(TokenKind.Number, span, text, value, space);
    }

    private static string Shorten(string s) => s.Length > 24 ? s[..20] + "…" : s;

    private Token LexSuperscript(int start, bool space)
    {
        var negative = false;
        if (Peek() == '⁻') { negative = true; _pos++; }
        var value = 0;
        var digits = 0;
        while (SuperscriptDigit(Peek()) >= 0 && digits < 6) { value = value * 10 + SuperscriptDigit(_text[_pos++]); digits++; }
        if (digits == 0) value = 1;
        var v = negative ? -value : value;
        return new Token(TokenKind.SuperscriptNumber, TextSpan.FromBounds(start, _pos), v.ToString(CultureInfo.InvariantCulture), v, space);
    }

    private Token LexCommand(int start, bool space, List<Diagnostic> diagnostics)
    {
        _pos++;
        if (Peek() == '|') { _pos++; return new Token(TokenKind.DoubleBar, TextSpan.FromBounds(start, _pos), "‖", 0, space); }
        var nameStart = _pos;
        while (char.IsAsciiLetter(Peek())) _pos++;
        var name = _text[nameStart.._pos];
        if (name is "operatorname" or "mathrm" or "text" or "mathbf" or "boldsymbol" or "mathit" or "bm")
        {
            if (Peek() == '{')
            {
                var close = _text.IndexOf('}', _pos);
                if (close > _pos)
                {
                    var inner = _text[(_pos + 1)..close].Trim().TrimStart('\\');
                    _pos = close + 1;
                    var lexedInner = new Lexer(inner).LexNameOrNull();
                    if (lexedInner is not null)
                        return new Token(TokenKind.Identifier, TextSpan.FromBounds(start, _pos), lexedInner, 0, space);
                }
            }
        }
        else if (Commands.TryGetValue(name, out var kind))
            return new Token(kind, TextSpan.FromBounds(start, _pos), name, 0, space);
        else if (Greek.IsGreekName(name) || FunctionCommands.Contains(name) || name is "frac")
        {
            // \lambda_1 → lambda1 ; \sigma → sigma
            var full = name;
            if (Peek() == '_' && char.IsAsciiDigit(Peek(1)))
            {
                _pos++;
                var d = _pos;
                while (char.IsAsciiDigit(Peek())) _pos++;
                full += _text[d.._pos];
            }
            else if (Peek() == '_' && Peek(1) == '{' && char.IsAsciiDigit(Peek(2)))
            {
                var close = _text.IndexOf('}', _pos);
                var inner = close > 0 ? _text[(_pos + 2)..close] : "";
                if (inner.All(char.IsAsciiDigit) && inner.Length > 0) { full += inner; _pos = close + 1; }
            }
            return new Token(name == "frac" ? TokenKind.Command : TokenKind.Identifier, TextSpan.FromBounds(start, _pos), full, 0, space);
        }
        var span = TextSpan.FromBounds(start, Math.Max(_pos, start + 1));
        diagnostics.Add(DiagnosticCatalog.UnknownLatexCommand.At(span, $"Unknown LaTeX command '\\{name}'.",
            "Supported: \\operatorname{tr}, \\ln, \\det, \\top, \\odot, \\circ, \\otimes, \\cdot, \\frac, \\| and Greek letters; or write the ASCII form (tr(A), A', A .* B)."));
        return new Token(TokenKind.Bad, span, name, 0, space);
    }

    private string? LexNameOrNull()
    {
        if (_pos >= _text.Length || !IsNameStart(_text[_pos])) return null;
        var t = LexName(0, false);
        return _pos == _text.Length ? t.Text : null;
    }

    public static int SuperscriptDigit(char c) => c switch
    {
        '⁰' => 0, '¹' => 1, '²' => 2, '³' => 3, '⁴' => 4, '⁵' => 5, '⁶' => 6, '⁷' => 7, '⁸' => 8, '⁹' => 9, _ => -1,
    };

    public static int SubscriptDigit(char c) => c is >= '₀' and <= '₉' ? c - '₀' : -1;
}
