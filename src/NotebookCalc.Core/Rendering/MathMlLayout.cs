using System.Text;
using System.Xml.Linq;
using NotebookCalc.Syntax;

namespace NotebookCalc.Rendering;

/// <summary>
/// Layout helpers for MathML shown in pages: a reader of the small LaTeX subset of step left-hand sides (which the
/// MathML printer's own output for the named step terms is tested against), and equations that wrap. Browsers do not break a &lt;math&gt; element across lines, so a long
/// equation is cut into several &lt;math&gt; elements at its operators, with a line-break opportunity between them:
/// it wraps only when its box is too narrow, and every operator keeps the spacing it has in the unbroken formula.
/// </summary>
public static class MathMlLayout
{
    private const string Ns = "http://www.w3.org/1998/Math/MathML";

    /// <summary>
    /// The small LaTeX subset of step left-hand sides (<c>\frac{\partial f}{\partial W_{ab}}</c>, <c>f(W + \varepsilon H)</c>,
    /// <c>Df(W)[H]</c>, <c>df</c>) as MathML (a sequence of elements); null when the text uses anything else.
    /// </summary>
    public static string? FromLatex(string latex)
    {
        try
        {
            var p = new LatexReader(latex);
            var row = p.Row(endAt: '\0');
            return p.AtEnd ? row : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The left-hand side of a derivation step as MathML; the text typeset as a fallback.</summary>
    public static string Lhs(string latex, string text) =>
        FromLatex(latex) ?? $"<mtext>{Html.Escape(text.Replace("df/d", "∂f/∂"))}</mtext>";

    /// <summary>∂f/∂X as a fraction.</summary>
    public static string Partial(string variable) =>
        $"<mfrac><mrow><mo rspace=\"0\">∂</mo><mi>f</mi></mrow><mrow><mo rspace=\"0\">∂</mo>{MathMlPrinter.Name(variable)}</mrow></mfrac>";

    private sealed class LatexReader(string s)
    {
        private int _i;

        public bool AtEnd => _i >= s.Length;

        private static FormatException Unsupported() => new("not in the left-hand-side subset");

        private void SkipSpace()
        {
            while (_i < s.Length && s[_i] == ' ') _i++;
        }

        private string Command()
        {
            var start = ++_i;
            while (_i < s.Length && char.IsAsciiLetter(s[_i])) _i++;
            if (_i == start) throw Unsupported();
            return s[start.._i];
        }

        private string Group()
        {
            SkipSpace();
            if (_i >= s.Length) throw Unsupported();
            if (s[_i] == '{')
            {
                _i++;
                var inner = Row(endAt: '}');
                if (_i >= s.Length || s[_i] != '}') throw Unsupported();
                _i++;
                return $"<mrow>{inner}</mrow>";
            }
            return Atom() ?? throw Unsupported();
        }

        /// <summary>Reads atoms with their scripts until <paramref name="endAt"/> (not consumed) or the end.</summary>
        public string Row(char endAt)
        {
            var sb = new StringBuilder();
            var first = true;
            while (true)
            {
                SkipSpace();
                if (_i >= s.Length || s[_i] == endAt) break;
                // d directly followed by a letter at the start of a row is the differential: upright, as dX on the right.
                string? atom;
                if (first && s[_i] == 'd' && _i + 1 < s.Length && (char.IsAsciiLetter(s[_i + 1]) || s[_i + 1] == '('))
                {
                    _i++;
                    atom = "<mi mathvariant=\"normal\">d</mi>";
                }
                else atom = Atom();
                if (atom is null) break;
                first = false;
                sb.Append(Scripts(atom));
            }
            return sb.ToString();
        }

        private string Scripts(string b)
        {
            string? sub = null, sup = null;
            while (true)
            {
                SkipSpace();
                if (_i < s.Length && s[_i] == '_' && sub is null) { _i++; sub = Group(); }
                else if (_i < s.Length && s[_i] == '^' && sup is null) { _i++; sup = Group(); }
                else break;
            }
            return (sub, sup) switch
            {
                (null, null) => b,
                (not null, null) => $"<msub>{b}{sub}</msub>",
                (null, not null) => $"<msup>{b}{sup}</msup>",
                _ => $"<msubsup>{b}{sub}{sup}</msubsup>",
            };
        }

        private string? Atom()
        {
            var c = s[_i];
            if (char.IsAsciiLetter(c)) { _i++; return $"<mi>{c}</mi>"; }
            if (char.IsAsciiDigit(c))
            {
                var start = _i;
                while (_i < s.Length && char.IsAsciiDigit(s[_i])) _i++;
                return $"<mn>{s[start.._i]}</mn>";
            }
            switch (c)
            {
                case '+' or '=' or '(' or ')' or '[' or ']' or ',':
                    _i++;
                    return $"<mo>{c}</mo>";
                case '-':
                    _i++;
                    return "<mo>−</mo>";
                case '{':
                    return Group();
                case '\\' when _i + 1 < s.Length && s[_i + 1] == ',':
                    _i += 2;
                    return "<mspace width=\"0.167em\"/>";
                case '\\':
                {
                    var name = Command();
                    switch (name)
                    {
                        case "frac":
                            var num = Group();
                            var den = Group();
                            return $"<mfrac>{num}{den}</mfrac>";
                        case "partial": return "<mo rspace=\"0\">∂</mo>";
                        case "nabla": return "<mo rspace=\"0\">∇</mo>";
                        case "varepsilon": return "<mi>ε</mi>";
                        case "varphi": return "<mi>φ</mi>";
                        case "top": return "<mo>⊤</mo>";
                        case "left" or "right":
                            SkipSpace();
                            if (_i < s.Length && s[_i] is '(' or ')' or '[' or ']') return $"<mo>{s[_i++]}</mo>";
                            throw Unsupported();
                        case "mathit" or "operatorname" or "mathrm":
                        {
                            SkipSpace();
                            if (_i >= s.Length || s[_i] != '{') throw Unsupported();
                            var close = s.IndexOf('}', _i);
                            if (close < 0) throw Unsupported();
                            var word = s[(_i + 1)..close];
                            _i = close + 1;
                            if (word.Length == 0 || !word.All(char.IsAsciiLetterOrDigit)) throw Unsupported();
                            return name == "mathrm" && word.Length == 1 ? $"<mi mathvariant=\"normal\">{word}</mi>" : $"<mi>{word}</mi>";
                        }
                        default:
                            return Greek.IsGreekName(name) ? $"<mi>{Greek.Letter(name)}</mi>" : throw Unsupported();
                    }
                }
                default:
                    return null;
            }
        }
    }

    // ───────────── equations that wrap ─────────────

    private static readonly HashSet<string> BreakBefore = ["+", "−", "=", ":", "⊙", "⊘", "⊗", "·", "\u2062"];

    /// <summary>
    /// lhs = rhs (both sequences of MathML elements) as one or more inline &lt;math&gt; elements separated by &lt;wbr&gt;:
    /// the rows are flattened (an mrow inside a row only groups) and cut before each binary operator. Each operator's
    /// form (prefix, infix, postfix) is written out first, so the spacing is that of the unbroken formula.
    /// </summary>
    public static string Equation(string? lhs, string rhs, bool displayStyle = true)
    {
        var source = lhs is null ? $"<mrow>{rhs}</mrow>" : $"<mrow>{lhs}<mo>=</mo><mrow>{rhs}</mrow></mrow>";
        XElement root;
        try
        {
            root = XElement.Parse(source);
        }
        catch (System.Xml.XmlException)
        {
            return Math(source, displayStyle);
        }
        var atoms = Flatten(root);
        var pieces = new List<List<XElement>> { new() };
        for (var k = 0; k < atoms.Count; k++)
        {
            var a = atoms[k];
            if (k > 0 && pieces[^1].Count > 0 && a.Name.LocalName == "mo" && (string?)a.Attribute("form") == "infix" && BreakBefore.Contains(a.Value))
                pieces.Add([]);
            pieces[^1].Add(a);
        }
        return string.Join("<wbr>", pieces.Select(p => Math($"<mrow>{string.Concat(p.Select(Serialize))}</mrow>", displayStyle)));
    }

    private static string Math(string row, bool displayStyle) =>
        $"<math xmlns=\"{Ns}\"{(displayStyle ? " displaystyle=\"true\"" : "")}>{row}</math>";

    private static bool SpaceLike(XElement e) => e.Name.LocalName is "mspace" or "mtext";

    /// <summary>The children of a row with every nested plain mrow replaced by its children, operators' forms explicit.</summary>
    private static List<XElement> Flatten(XElement row)
    {
        var children = row.Elements().ToList();
        var inFlow = children.Where(c => !SpaceLike(c)).ToList();
        // Only the operators a line may break before get an explicit form: an explicit form turns off the operator
        // dictionary's fallback to the other forms, which fences such as ( rely on in the middle of a row.
        foreach (var c in children.Where(c => c.Name.LocalName == "mo" && c.Attribute("form") is null && BreakBefore.Contains(c.Value)))
        {
            var form = inFlow.Count > 1 && ReferenceEquals(c, inFlow[0]) ? "prefix"
                : inFlow.Count > 1 && ReferenceEquals(c, inFlow[^1]) ? "postfix" : "infix";
            c.SetAttributeValue("form", form);
        }
        var result = new List<XElement>();
        foreach (var c in children)
        {
            if (c.Name.LocalName == "mrow" && !c.HasAttributes) result.AddRange(Flatten(c));
            else if (OpenScript(c) is { } opened) result.AddRange(Flatten(opened));
            else result.Add(c);
        }
        return result;
    }

    /// <summary>A formula longer than this (in characters of its text) may be opened at its brackets to wrap.</summary>
    private const int LongAtom = 8;

    /// <summary>
    /// A long base ending in a bracket with a script, (…)ᵀ, diag(…)ᵀ or (…)ᵢⱼ, as a row whose closing bracket carries the
    /// script: it reads the same and can break inside the brackets. Null for anything else.
    /// </summary>
    private static XElement? OpenScript(XElement e)
    {
        if (e.Name.LocalName is not ("msup" or "msub" or "msubsup") || e.HasAttributes || e.Value.Length <= LongAtom) return null;
        var parts = e.Elements().ToList();
        if (!DetachClose(parts[0], out var without, out var close)) return null;
        return new XElement("mrow", without, new XElement(e.Name, close, parts.Skip(1).Select(x => new XElement(x))));
    }

    /// <summary>A plain row that ends in a closing bracket (perhaps inside nested rows): the row without it, and it.</summary>
    private static bool DetachClose(XElement row, out XElement without, out XElement close)
    {
        without = close = null!;
        var kids = row.Elements().ToList();
        if (row.Name.LocalName != "mrow" || row.HasAttributes || kids.Count == 0) return false;
        var last = kids[^1];
        if (IsFence(last, ")") && kids.Count >= 2)
        {
            without = new XElement("mrow", kids.SkipLast(1).Select(x => new XElement(x)));
            close = new XElement(last);
            return true;
        }
        if (!DetachClose(last, out var inner, out close)) return false;
        without = new XElement("mrow", kids.SkipLast(1).Select(x => new XElement(x)), inner);
        return true;
    }

    private static bool IsFence(XElement e, string fence) => e.Name.LocalName == "mo" && e.Value == fence;

    private static string Serialize(XElement e) => e.ToString(SaveOptions.DisableFormatting);
}
