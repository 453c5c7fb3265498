using System.Globalization;
using NotebookCalc.Syntax;
using NotebookCalc.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Semantics;

/// <summary>One declared symbol: `W: n x m`, `Omega: m x m symmetric`, `y: n`, `s: scalar`, `F: n x l function of w`.</summary>
public sealed record Declaration(string Name, Shape Shape, SymbolProps Props, TextSpan Span, string? FunctionOf = null)
{
    public bool IsFunction => FunctionOf is not null;

    public override string ToString()
    {
        var props = string.Join(" ", Enum.GetValues<SymbolProps>().Where(p => p != SymbolProps.None && Props.HasFlag(p) && !Implied(p))
            .Select(p => p.ToString().ToLowerInvariant()));
        var body = IsFunction ? $"{Shape.Rows} x {Shape.Cols} function of {FunctionOf}" : Shape.ToDeclaration();
        return $"{Name}: {body}{(props.Length > 0 ? " " + props : "")}";
    }

    private bool Implied(SymbolProps p) =>
        (p == SymbolProps.Symmetric && Props.HasFlag(SymbolProps.Spd)) ||
        (p == SymbolProps.Invertible && (Props.HasFlag(SymbolProps.Spd) || Props.HasFlag(SymbolProps.Orthogonal)));
}

/// <summary>The declarations in force: a notebook's `let`s or a CLI `--where`. Immutable; <see cref="With"/> adds.</summary>
public sealed class Scope
{
    public static readonly Scope Empty = new(new Dictionary<string, Declaration>(StringComparer.Ordinal));

    private readonly IReadOnlyDictionary<string, Declaration> _symbols;

    private Scope(IReadOnlyDictionary<string, Declaration> symbols) => _symbols = symbols;

    public IEnumerable<Declaration> Declarations => _symbols.Values.OrderBy(d => d.Span.Start);

    public bool TryGet(string name, out Declaration declaration) => _symbols.TryGetValue(name, out declaration!);

    /// <summary>Later declarations replace earlier ones with the same name (as a notebook's later `let` does).</summary>
    public Scope With(IEnumerable<Declaration> declarations)
    {
        var copy = new Dictionary<string, Declaration>(_symbols, StringComparer.Ordinal);
        foreach (var d in declarations) copy[d.Name] = d;
        return new Scope(copy);
    }

    /// <summary>Parses declarations (see LANGUAGE.md §2); throws <see cref="MatcalcException"/> on the first error.</summary>
    public static Scope Parse(string? text) => text is null ? Empty : Empty.With(DeclarationParser.Parse(text));
}

/// <summary>Reads the declaration language: items separated by `;`, `,` or new lines.</summary>
public static class DeclarationParser
{
    private static readonly Dictionary<string, SymbolProps> Properties = new(StringComparer.OrdinalIgnoreCase)
    {
        ["symmetric"] = SymbolProps.Symmetric,
        ["spd"] = SymbolProps.Spd | SymbolProps.Symmetric | SymbolProps.Invertible,
        ["invertible"] = SymbolProps.Invertible,
        ["diagonal"] = SymbolProps.Diagonal,
        ["orthogonal"] = SymbolProps.Orthogonal | SymbolProps.Invertible,
        ["indicator"] = SymbolProps.Indicator,
        ["positive"] = SymbolProps.Positive,
    };

    private static readonly HashSet<string> Reserved = ["I", "scalar", "function", "of"];

    public static IReadOnlyList<Declaration> Parse(string text)
    {
        if (text.Length > Parser.MaxLength)
            throw new MatcalcException(text, DiagnosticCatalog.DeclarationsTooLong.At(new TextSpan(0, text.Length), "The declarations are too long.", "Declare fewer symbols per command."));
        var result = new List<Declaration>();
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] is not (';' or ',' or '\n')) continue;
            var item = ParseItem(text, start, i);
            if (item is not null)
            {
                var previous = result.FindIndex(d => d.Name == item.Name);
                if (previous >= 0 && !SameMeaning(result[previous], item))
                    throw new MatcalcException(text, DiagnosticCatalog.Redeclared.At(item.Span,
                        $"{item.Name} is declared twice with different meanings: `{result[previous]}` and `{item}`.",
                        "Keep one declaration per symbol."));
                if (previous >= 0) result[previous] = item; else result.Add(item);
            }
            start = i + 1;
        }
        return result;
    }

    private static bool SameMeaning(Declaration a, Declaration b) => a with { Span = default } == b with { Span = default };

    private static Declaration? ParseItem(string text, int start, int end)
    {
        var words = Words(text, start, end);
        if (words.Count == 0) return null;
        var itemSpan = TextSpan.FromBounds(words[0].Span.Start, words[^1].Span.End);
        var nameWord = words[0];
        var name = ValidName(text, nameWord);
        if (words.Count == 1)
            return new Declaration(name, Shape.Scalar, SymbolProps.None, itemSpan);
        if (words[1].Text != ":")
            throw new MatcalcException(text, DiagnosticCatalog.BadDeclaration.At(words[1].Span,
                $"Expected ':' after the symbol name {name} but found '{words[1].Text}'.",
                "Write a declaration as `W: n x m`, `y: n`, `s: scalar` or `F: n x l function of w`."));
        var rest = words.Skip(2).ToList();
        if (rest.Count == 0)
            throw new MatcalcException(text, DiagnosticCatalog.BadDeclaration.At(words[1].Span, $"The declaration of {name} has no shape after ':'.",
                "Write the shape, e.g. `W: n x m`, `y: n` or `s: scalar`."));
        var k = 0;
        if (rest[0].Text == "scalar")
        {
            k = 1;
            var props0 = ParseProps(text, rest, ref k, name, Shape.Scalar);
            return new Declaration(name, Shape.Scalar, props0, itemSpan);
        }
        var rows = ParseDim(text, rest[k++]);
        var cols = Dim.One;
        if (k < rest.Count && rest[k].Text is "x" or "×" or "X")
        {
            k++;
            if (k >= rest.Count)
                throw new MatcalcException(text, DiagnosticCatalog.BadDeclaration.At(rest[k - 1].Span, "A dimension is missing after 'x'.", "Write both dimensions: `W: n x m`."));
            cols = ParseDim(text, rest[k++]);
        }
        var shape = new Shape(rows, cols);
        if (k + 1 < rest.Count && rest[k].Text == "function" && rest[k + 1].Text == "of")
        {
            if (k + 2 >= rest.Count)
                throw new MatcalcException(text, DiagnosticCatalog.BadDeclaration.At(rest[k + 1].Span, "`function of` needs the argument's name.", "Write `F: n x l function of w`."));
            var arg = ValidName(text, rest[k + 2]);
            if (k + 3 < rest.Count)
                throw new MatcalcException(text, DiagnosticCatalog.BadDeclaration.At(rest[k + 3].Span, $"Unexpected '{rest[k + 3].Text}' after `function of {arg}`.",
                    "An opaque function has one matrix argument; declare its shape separately, e.g. `w: d x n`."));
            return new Declaration(name, shape, SymbolProps.None, itemSpan, arg);
        }
        var props = ParseProps(text, rest, ref k, name, shape);
        return new Declaration(name, shape, props, itemSpan);
    }

    private static SymbolProps ParseProps(string text, List<Word> rest, ref int k, string name, Shape shape)
    {
        var props = SymbolProps.None;
        for (; k < rest.Count; k++)
        {
            if (!Properties.TryGetValue(rest[k].Text, out var p))
                throw new MatcalcException(text, DiagnosticCatalog.BadDeclaration.At(rest[k].Span,
                    $"Unknown property '{rest[k].Text}' in the declaration of {name}.",
                    "Properties are: symmetric, spd, invertible, diagonal, orthogonal, indicator, positive."));
            props |= p;
        }
        if (props.HasFlag(SymbolProps.Diagonal)) props |= SymbolProps.Symmetric;
        var squareOnly = SymbolProps.Symmetric | SymbolProps.Spd | SymbolProps.Invertible | SymbolProps.Diagonal | SymbolProps.Orthogonal;
        if ((props & squareOnly) != 0 && shape.Rows != shape.Cols)
            throw new MatcalcException(text, DiagnosticCatalog.BadProperties.At(TextSpan.FromBounds(rest[0].Span.Start, rest[^1].Span.End),
                $"{name} is declared {shape} but {Describe(props & squareOnly)} needs a square matrix.",
                $"Declare it square, e.g. `{name}: {shape.Rows} x {shape.Rows} {Describe(props & squareOnly)}`."));
        if (props.HasFlag(SymbolProps.Indicator) && props.HasFlag(SymbolProps.Positive))
            throw new MatcalcException(text, DiagnosticCatalog.BadProperties.At(TextSpan.FromBounds(rest[0].Span.Start, rest[^1].Span.End),
                $"{name} cannot be both indicator (entries 0 or 1) and positive (entries > 0).", "Keep one of the two properties."));
        return props;
    }

    private static string Describe(SymbolProps p) =>
        p.HasFlag(SymbolProps.Spd) ? "spd" : p.HasFlag(SymbolProps.Orthogonal) ? "orthogonal" : p.HasFlag(SymbolProps.Diagonal) ? "diagonal"
        : p.HasFlag(SymbolProps.Symmetric) ? "symmetric" : "invertible";

    private static Dim ParseDim(string text, Word w)
    {
        if (w.Text.All(char.IsAsciiDigit))
        {
            if (int.TryParse(w.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is > 0 and <= 100_000)
                return Dim.Of(v);
            throw new MatcalcException(text, DiagnosticCatalog.BadDimension.At(w.Span, $"The dimension {w.Text} is not a positive integer up to 100000.",
                "Use a symbolic dimension such as n, or a small positive integer."));
        }
        if (Properties.ContainsKey(w.Text) || w.Text is "function" or "of")
            throw new MatcalcException(text, DiagnosticCatalog.BadDeclaration.At(w.Span, $"Expected a dimension but found '{w.Text}'.",
                "Give the shape before the properties: `Omega: m x m symmetric`."));
        if (!(Lexer.IsNameStart(w.Text[0]) && w.Text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
            throw new MatcalcException(text, DiagnosticCatalog.BadDimension.At(w.Span, $"'{w.Text}' is not a dimension.",
                "A dimension is a name (n, m, d) or a positive integer; write `n x m` with spaces or `n×m`."));
        return Dim.Of(w.Text);
    }

    private static string ValidName(string text, Word w)
    {
        var diagnostics = new List<Diagnostic>();
        var tokens = Lexer.Tokenize(text.Substring(w.Span.Start, w.Span.Length), diagnostics);
        if (diagnostics.Count > 0 || tokens.Count != 2 || tokens[0].Kind != TokenKind.Identifier)
            throw new MatcalcException(text, DiagnosticCatalog.BadDeclaration.At(w.Span, $"'{w.Text}' is not a symbol name.",
                "Names start with a letter and contain letters, digits and _ (Greek letters allowed): W, Omega, λ1, x_2."));
        var name = tokens[0].Text;
        if (Reserved.Contains(name) || Parser.Functions.Contains(name))
            throw new MatcalcException(text, DiagnosticCatalog.ReservedName.At(w.Span, $"'{name}' is reserved and cannot be declared.",
                name == "I" ? "I is the identity matrix; choose another name." : "Choose another name for the symbol."));
        return name;
    }

    private readonly record struct Word(string Text, TextSpan Span);

    private static List<Word> Words(string text, int start, int end)
    {
        var words = new List<Word>();
        var i = start;
        while (i < end)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '#') break;
            if (c is ':' or '×')
            {
                words.Add(new Word(c.ToString(), new TextSpan(i, 1)));
                i++;
                continue;
            }
            var s = i;
            while (i < end && !char.IsWhiteSpace(text[i]) && text[i] is not (':' or '×' or '#')) i++;
            words.Add(new Word(text[s..i], TextSpan.FromBounds(s, i)));
        }
        return words;
    }
}
