using System.Globalization;
using System.Text;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Differentiation.Differentials;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Notebook;

/// <summary>
/// The state and behaviour behind the #!matcalc magic commands: it keeps the notebook's `let` declarations and runs a
/// subcommand, returning display values (never throwing for user errors). The extension.dib shim only forwards here;
/// the CLI renderer uses the same class, so a notebook shows the same output in VS Code and in a rendered page.
/// </summary>
public sealed class MatCalcSession
{
    /// <summary>
    /// The namespaces a notebook's C# cells see: the extension.dib opens them in the kernel, and `matcalc render` gives
    /// its C# cells the same ones, so a cell runs unchanged in both.
    /// </summary>
    public static readonly IReadOnlyList<string> CSharpUsings =
        ["System", "System.Linq", "System.Collections.Generic", "NotebookCalc", "NotebookCalc.Expressions", "NotebookCalc.Rewriting", "NotebookCalc.Differentiation", "NotebookCalc.Numerics", "NotebookCalc.Notebook", "MathNet.Numerics.LinearAlgebra"];

    public Scope Scope { get; private set; } = Scope.Empty;

    /// <summary>The chart kinds of plot.</summary>
    public static IReadOnlyList<string> PlotKinds => Verbs.PlotKinds;

    /// <summary>The subcommands of #!matcalc with their notebook parameters, from the one table of verbs (<see cref="Verbs"/>).</summary>
    public static IReadOnlyList<SubcommandInfo> Subcommands => Verbs.Notebook;

    /// <summary>Completions for --wrt: the symbols declared so far.</summary>
    public IEnumerable<string> DeclaredSymbols() => Scope.Declarations.Where(d => !d.IsFunction).Select(d => d.Name);

    /// <summary>Runs a subcommand with its arguments (keys: "expr", "--wrt", …). Null values are treated as missing.</summary>
    public IReadOnlyList<object> Execute(string subcommand, IReadOnlyDictionary<string, string?> args)
    {
        var info = Subcommands.FirstOrDefault(s => s.Name == subcommand);
        if (info is null)
            return [Error("MC4001", subcommand, $"Unknown subcommand '{subcommand}'.", $"Use one of: {string.Join(", ", Subcommands.Select(s => s.Name))}.")];
        foreach (var p in info.Parameters.Where(p => p.Required))
            if (!args.TryGetValue(p.Name, out var v) || string.IsNullOrWhiteSpace(v))
                return [Error("MC4002", "", p.Implicit
                        ? $"#!matcalc {subcommand} needs {p.Description.TrimEnd('.').ToLowerInvariant()} (one quoted string)."
                        : $"#!matcalc {subcommand} needs {p.Name}.",
                    p.Implicit ? $"Write #!matcalc {subcommand} \"…\" — a single quoted string; single quotes are not quotes in magic commands." : $"Add {p.Name} VALUE.")];
        foreach (var p in info.Parameters.Where(p => p.Values is not null))
            if (args.TryGetValue(p.Name, out var v) && v is not null && !p.Values!.Contains(v))
                return [Error("MC4003", v, $"{p.Name} must be one of {string.Join(", ", p.Values!)}, not '{v}'.", $"Write {p.Name} {p.Values![0]}.")];
        string Arg(string name) => args.TryGetValue(name, out var v) ? v ?? "" : "";
        try
        {
            // --where: declarations for this cell only, on top of those made with let.
            var scope = args.TryGetValue("--where", out var where) && !string.IsNullOrWhiteSpace(where) ? Scope.With(DeclarationParser.Parse(where)) : Scope;
            return subcommand switch
            {
                "let" => Let(Arg("expr")),
                "gradient" => [MatCalc.Gradient(MatCalc.Parse(Arg("expr"), scope), Arg("--wrt"), Options(args))],
                "jacobian" => [MatCalc.Jacobian(MatCalc.Parse(Arg("expr"), scope), Arg("--wrt"), Options(args))],
                "hessian" => [MatCalc.Hessian(MatCalc.Parse(Arg("expr"), scope), Arg("--wrt"), Options(args))],
                "check" when Arg("--derivative") == "jacobian" =>
                    [new ClaimResult(MatCalc.CheckJacobian(MatCalc.Parse(Arg("expr"), scope), Arg("--wrt"), Arg("--claim"), Options(args)), Arg("--wrt"),
                        ShowAnswer: !(args.TryGetValue("--answer", out var hiddenJacobian) && hiddenJacobian == "hidden"))],
                "check" when Arg("--derivative") == "hessian" =>
                    [new ClaimResult(MatCalc.CheckHessian(MatCalc.Parse(Arg("expr"), scope), Arg("--wrt"), Arg("--claim"), Options(args)), Arg("--wrt"),
                        ShowAnswer: !(args.TryGetValue("--answer", out var hiddenHessian) && hiddenHessian == "hidden"))],
                "check" => [new ClaimResult(MatCalc.Check(MatCalc.Parse(Arg("expr"), scope), Arg("--wrt"), Arg("--claim"), Options(args)), Arg("--wrt"),
                    ShowAnswer: !(args.TryGetValue("--answer", out var answer) && answer == "hidden"))],
                "show" => [MatCalc.Parse(Arg("expr"), scope)],
                "eval" => Eval(Arg("expr"), Arg("--at"), scope),
                "plot" => [new PlotRequest(Arg("kind"),
                    MatCalc.Gradient(MatCalc.Parse(Arg("--expr"), scope), Arg("--wrt"), Options(args) with { Method = DifferentialMethod.Name }),
                    Options(args).Seed)],
                "help" => [new Message(Help())],
                _ => throw new InvalidOperationException($"the verb table has '{subcommand}' but Execute does not"),
            };
        }
        catch (MatcalcException ex)
        {
            return [new DiagnosticsDisplay(ex.Source, ex.Diagnostics)];
        }
    }

    /// <summary>
    /// The arguments of a host directive command object (one command type per subcommand, whose properties the host
    /// fills by camel-case name: --wrt → Wrt, the implicit expression → Expr), keyed as <see cref="Execute"/> expects.
    /// Only the subcommand's own parameters are read; null properties are absent.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2075",
        Justification = "Called only by the extension inside the kernel (JIT, untrimmed); the Native AOT matcalc links this file for Tokenize and ValuesJson and never calls it.")]
    public static Dictionary<string, string?> ArgumentsFrom(string subcommand, object command)
    {
        var args = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var p in Subcommands.Single(s => s.Name == subcommand).Parameters)
        {
            var property = command.GetType().GetProperty(PropertyName(p))
                ?? throw new InvalidOperationException($"{command.GetType().Name} has no property {PropertyName(p)} for {p.Name}");
            if (property.GetValue(command) is { } value) args[p.Name] = Convert.ToString(value, CultureInfo.InvariantCulture);
        }
        return args;
    }

    /// <summary>The property the host binds a parameter to: --wrt → Wrt, expr → Expr.</summary>
    public static string PropertyName(ParameterInfo p)
    {
        var bare = p.Name.TrimStart('-');
        return char.ToUpperInvariant(bare[0]) + bare[1..];
    }

    /// <summary>Runs one magic-command line, tokenised the way the host's directive parser does (see INTERACTIVE.md).</summary>
    /// <param name="shared">
    /// Resolves value sharing (`--at @csharp:name`) the way the host does: the value of the C# variable, or null when there
    /// is none. Without it (the plain session) such values are passed on as written.
    /// </param>
    public IReadOnlyList<object> Run(string line, Func<string, string?>? shared = null)
    {
        var tokens = Tokenize(line);
        if (tokens.Count > 0 && tokens[0] == "#!matcalc") tokens.RemoveAt(0);
        if (tokens.Count == 0) return [new Message(Help())];
        var sub = tokens[0];
        var info = Subcommands.FirstOrDefault(s => s.Name == sub);
        var args = new Dictionary<string, string?>(StringComparer.Ordinal);
        var positional = new List<string>();
        for (var i = 1; i < tokens.Count; i++)
        {
            if (tokens[i].StartsWith("--", StringComparison.Ordinal) && info?.Parameters.Any(p => p.Name == tokens[i]) == true)
            {
                var name = tokens[i];
                var value = i + 1 < tokens.Count ? tokens[++i] : null;
                // The host passes null for a repeated parameter: so do we, and Execute reports it.
                args[name] = args.ContainsKey(name) ? null : value;
            }
            else if (tokens[i].StartsWith("--", StringComparison.Ordinal))
                return [Error("MC4004", line, $"Unknown option {tokens[i]} for #!matcalc {sub}.",
                    info is null ? "See #!matcalc help." : $"Options: {string.Join(", ", info.Parameters.Where(p => !p.Implicit).Select(p => p.Name))}.")];
            else positional.Add(tokens[i]);
        }
        // The positional value fills the implicit parameter; extra bare words make the host pass null: so do we. The one
        // exception is plot, whose expression may follow the kind (plot check "f"): PositionalAfterImplicit.
        var implicitParameter = info?.Parameters.SingleOrDefault(p => p.Implicit);
        var second = PositionalAfterImplicit(sub);
        if (positional.Count > 0)
        {
            if (implicitParameter is null) args["expr"] = null;
            else if (positional.Count == 1) args[implicitParameter.Name] = positional[0];
            else if (positional.Count == 2 && second is not null && !args.ContainsKey(second))
            {
                args[implicitParameter.Name] = positional[0];
                args[second] = positional[1];
            }
            else args[implicitParameter.Name] = null;
        }
        if (shared is not null)
            foreach (var (name, value) in args.ToList())
            {
                if (value is null || !value.StartsWith("@csharp:", StringComparison.Ordinal)) continue;
                var variable = value["@csharp:".Length..];
                args[name] = shared(variable) ?? (string?)null;
                if (args[name] is null)
                    return [Error("MC4005", line, $"{value}: there is no C# variable named '{variable}' (yet).",
                        $"Define it in a C# cell above, e.g. var {variable} = \"{{\\\"A\\\": [[1, 2], [3, 4]]}}\";")];
            }
        return Execute(sub, args);
    }

    /// <summary>
    /// The named parameter that a second bare value fills: only plot's --expr (`#!matcalc plot check "f" --wrt X`). The
    /// host binds at most one implicit parameter, so the kernel handler reads that value from the directive's own text.
    /// </summary>
    public static string? PositionalAfterImplicit(string subcommand) => subcommand == "plot" ? "--expr" : null;

    /// <summary>Double quotes group (no escapes; leading/trailing quotes trimmed); single quotes are ordinary characters.</summary>
    public static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < line.Length)
        {
            if (char.IsWhiteSpace(line[i])) { i++; continue; }
            var sb = new StringBuilder();
            if (line[i] == '"')
            {
                var close = line.IndexOf('"', i + 1);
                if (close < 0) close = line.Length;
                sb.Append(line, i + 1, close - i - 1);
                i = close + 1;
            }
            else
            {
                while (i < line.Length && !char.IsWhiteSpace(line[i])) sb.Append(line[i++]);
            }
            tokens.Add(sb.ToString().Trim('"'));
        }
        return tokens;
    }

    private IReadOnlyList<object> Let(string text)
    {
        var declarations = DeclarationParser.Parse(text);
        Scope = Scope.With(declarations);
        return [new Message("declared: " + string.Join("; ", declarations.Select(d => d.ToString())))];
    }

    private static IReadOnlyList<object> Eval(string expr, string at, Scope declared)
    {
        var json = at.TrimStart().StartsWith('{') ? at : ReadFile(at);
        var values = ValuesJson.Parse(json, at.TrimStart().StartsWith('{') ? "the values" : at);
        var scope = declared.With(values.Where(v => !declared.TryGet(v.Key, out _)).Select(v =>
            new Declaration(v.Key, new Shape(Dim.Of(v.Value.RowCount), Dim.Of(v.Value.ColumnCount)), SymbolProps.None, default)));
        var e = MatCalc.Parse(expr, scope);
        return [new MatrixValue(e.Text, e.Evaluate(values))];
    }

    private static string ReadFile(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new MatcalcException(path, Diagnostic.Error("MC3007", new TextSpan(0, path.Length), $"Cannot read the values file '{path}': {ex.Message}",
                "Pass an absolute path to a JSON file, or JSON text in a C# string variable with --at @csharp:name."));
        }
    }

    private static GradientOptions Options(IReadOnlyDictionary<string, string?> args)
    {
        var seed = 1;
        if (args.TryGetValue("--seed", out var s) && s is not null && !int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out seed))
            throw new MatcalcException(s, Diagnostic.Error("MC4003", new TextSpan(0, s.Length), $"--seed must be an integer, not '{s}'.", "Write --seed 1."));
        return new GradientOptions
        {
            Method = args.TryGetValue("--method", out var m) && m is not null ? m : "all",
            Check = !(args.TryGetValue("--check", out var c) && c == "off"),
            Seed = seed,
            Dims = args.TryGetValue("--dims", out var d) && !string.IsNullOrWhiteSpace(d) ? ValuesJson.ParseDims(d) : null,
        };
    }

    private static DiagnosticsDisplay Error(string id, string source, string message, string hint) =>
        new(source, [Diagnostic.Error(id, new TextSpan(0, source.Length), message, hint)]);

    public static string Help()
    {
        var sb = new StringBuilder("#!matcalc — matrix calculus in the notebook. Expressions and declarations go in double quotes.\n");
        foreach (var s in Subcommands)
        {
            sb.Append($"\n  #!matcalc {s.Name}");
            foreach (var p in s.Parameters) sb.Append(p.Implicit ? " \"…\"" : p.Required ? $" {p.Name} …" : $" [{p.Name} …]");
            sb.Append($"\n      {s.Description}");
        }
        sb.Append("\n\nGradients follow the denominator layout: ∂f/∂X has the shape of X (∂f/∂X_ij, all entries independent). For a variable\n" +
                  "declared symmetric (diagonal) the result is the gradient within those matrices: the symmetric (diagonal) part, as stated.");
        return sb.ToString();
    }
}

/// <summary>VALUES JSON ({"W": [[1,2],[3,4]], "s": 0.5, "y": [1,2]}) and --dims parsing, shared by the CLI and the session.</summary>
public static class ValuesJson
{
    public static Dictionary<string, Matrix<double>> Parse(string json, string origin)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException ex) { throw Error($"{origin} is not valid JSON: {ex.Message}"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Error($"{origin} must be a JSON object mapping symbol names to numbers, vectors or matrices.");
            var result = new Dictionary<string, Matrix<double>>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject()) result[NormalizeName(p.Name)] = ToMatrix(p.Name, p.Value, origin);
            return result;
        }
    }

    private static string NormalizeName(string name)
    {
        var diagnostics = new List<Diagnostic>();
        var tokens = Syntax.Lexer.Tokenize(name, diagnostics);
        return diagnostics.Count == 0 && tokens.Count == 2 && tokens[0].Kind == Syntax.TokenKind.Identifier ? tokens[0].Text : name;
    }

    private static Matrix<double> ToMatrix(string name, JsonElement e, string origin)
    {
        var M = Matrix<double>.Build;
        switch (e.ValueKind)
        {
            case JsonValueKind.Number: return M.Dense(1, 1, Finite(name, e, origin));
            case JsonValueKind.Array when e.GetArrayLength() == 0: throw Error($"The value of {name} in {origin} is an empty list.");
            case JsonValueKind.Array when e[0].ValueKind == JsonValueKind.Number:
            {
                var v = e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? Finite(name, x, origin)
                    : throw Error($"The vector {name} in {origin} mixes numbers with other values.")).ToArray();
                return M.Dense(v.Length, 1, v);
            }
            case JsonValueKind.Array:
            {
                var rows = e.EnumerateArray().Select(r => r.ValueKind == JsonValueKind.Array
                    ? r.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? Finite(name, x, origin)
                        : throw Error($"The matrix {name} in {origin} has an entry that is not a number.")).ToArray()
                    : throw Error($"The matrix {name} in {origin} must be a list of rows (lists of numbers).")).ToArray();
                if (rows.Any(r => r.Length != rows[0].Length || r.Length == 0))
                    throw Error($"The rows of {name} in {origin} have different lengths ({string.Join(", ", rows.Select(r => r.Length))}).");
                return M.DenseOfRowArrays(rows);
            }
            default: throw Error($"The value of {name} in {origin} must be a number, a list (vector) or a list of rows (matrix).");
        }
    }

    private static double Finite(string name, JsonElement e, string origin) =>
        e.TryGetDouble(out var v) && double.IsFinite(v) ? v : throw Error($"{name} in {origin} has a number that is out of range: {e.GetRawText()}.");

    private static MatcalcException Error(string message) =>
        new("", Diagnostic.Error("MC3013", default, message, "Write values as {\"W\": [[1,2],[3,4]], \"s\": 0.5, \"y\": [1,2]}."));

    public static Dictionary<string, int> ParseDims(string text)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', StringSplitOptions.TrimEntries);
            if (kv.Length != 2 || kv[0].Length == 0 || !int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v is < 1 or > 2000)
                throw new MatcalcException(text, Diagnostic.Error("MC3009", new TextSpan(Math.Max(0, text.IndexOf(part, StringComparison.Ordinal)), part.Length),
                    $"'{part}' is not a dimension size.", "Write --dims n=3,m=4 with sizes from 1 to 2000."));
            result[kv[0]] = v;
        }
        return result;
    }
}
