using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Calculus;
using NotebookCalc.Notebook;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

namespace NotebookCalc.Cli;

/// <summary>
/// The matcalc command line (LANGUAGE.md §4). Exit codes: 0 success, 1 a claim is wrong or a check failed,
/// 2 bad input (syntax, shapes, options), always reported as a diagnostic and never as a stack trace.
/// </summary>
public static class Cli
{
    public const int Ok = 0, Failed = 1, BadInput = 2;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildCommand(stdout, stderr);
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            foreach (var line in ParseErrors(root, parse, args)) stderr.WriteLine($"error: {line}");
            stderr.WriteLine("hint: run `matcalc --help` (or `matcalc COMMAND --help`) for the usage.");
            return BadInput;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            stderr.WriteLine($"error MC9999: internal error ({ex.GetType().Name}): {ex.Message}");
            stderr.WriteLine("hint: this is a bug in NotebookCalc; please report it with the command you ran.");
            return BadInput;
        }
    }

    /// <summary>
    /// The parser's errors as a user needs them: an unknown command or option once, with the closest valid ones; a
    /// number out of range without .NET type names; each message once.
    /// </summary>
    internal static IReadOnlyList<string> ParseErrors(RootCommand root, ParseResult parse, string[] args)
    {
        var commands = root.Subcommands.Select(c => c.Name).ToList();
        if (args.Length > 0 && !args[0].StartsWith('-') && !commands.Contains(args[0]))
            return [$"unknown command '{DiagnosticFormatter.Quote(args[0], 40)}'{Closest(args[0], commands)}; the commands are {string.Join(", ", commands)}."];
        var command = parse.CommandResult.Command;
        var options = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).Distinct().ToList();
        var lines = new List<string>();
        foreach (var e in parse.Errors)
        {
            var message = e.Message;
            var unrecognized = System.Text.RegularExpressions.Regex.Match(message, "^Unrecognized command or argument '(.*)'\\.?$", System.Text.RegularExpressions.RegexOptions.Singleline);
            var badValue = System.Text.RegularExpressions.Regex.Match(message, "^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'\\.?$", System.Text.RegularExpressions.RegexOptions.Singleline);
            if (unrecognized.Success)
            {
                var token = unrecognized.Groups[1].Value;
                // The value after an unknown option is not a second problem.
                var at = Array.IndexOf(args, token);
                if (!token.StartsWith('-') && at > 0 && args[at - 1].StartsWith("--", StringComparison.Ordinal) && !options.Contains(args[at - 1])) continue;
                message = token.StartsWith('-')
                    ? $"unknown option '{DiagnosticFormatter.Quote(token, 40)}' for {command.Name}{Closest(token, options)}; its options are {string.Join(", ", options)}."
                    : $"unexpected argument '{DiagnosticFormatter.Quote(token, 40)}' for {command.Name} (an expression or a value with spaces goes in quotes).";
            }
            else if (badValue.Success)
            {
                var kind = badValue.Groups[3].Value switch
                {
                    "System.Int32" => "a whole number from 0 to 2,147,483,647",
                    "System.Int64" => "a whole number",
                    "System.Double" => "a number",
                    "System.Boolean" => "true or false",
                    _ => "another value",
                };
                message = $"{badValue.Groups[2].Value} takes {kind}; '{DiagnosticFormatter.Quote(badValue.Groups[1].Value, 40)}' is not one.";
            }
            message = System.Text.RegularExpressions.Regex.Replace(message, @"System\.(Int32|Int64|Double|Boolean|String)", m => m.Groups[1].Value switch
            {
                "Int32" or "Int64" => "whole number", "Double" => "number", "Boolean" => "true/false", _ => "text",
            });
            if (!lines.Contains(message)) lines.Add(message);
        }
        return lines;
    }

    /// <summary>"; did you mean X?" for the candidates within two edits (or sharing a prefix), else nothing.</summary>
    private static string Closest(string word, IReadOnlyList<string> candidates)
    {
        static int Distance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
            for (var j = 0; j <= b.Length; j++) d[0, j] = j;
            for (var i = 1; i <= a.Length; i++)
                for (var j = 1; j <= b.Length; j++)
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            return d[a.Length, b.Length];
        }
        if (word.Length > 60) return "";
        var near = candidates.Select(c => (c, d: Distance(word.ToLowerInvariant(), c)))
            .Where(x => x.d <= 2 || (word.Length >= 3 && x.c.StartsWith(word, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(x => x.d).ThenBy(x => x.c, StringComparer.Ordinal).Select(x => x.c).Take(2).ToList();
        return near.Count == 0 ? "" : $" (did you mean {string.Join(" or ", near.Select(n => $"'{n}'"))}?)";
    }

    private static Option<string> WhereOption() => new("--where", "-w")
    {
        Description = "Declarations, e.g. \"W: n x m; Omega: m x m symmetric; s: scalar\".",
    };

    private static Option<string> FormatOption(params string[] formats)
    {
        var o = new Option<string>("--format", "-f") { Description = $"Output format: {string.Join(", ", formats)}.", DefaultValueFactory = _ => formats[0] };
        o.AcceptOnlyFromAmong(formats);
        return o;
    }

    internal static RootCommand BuildCommand(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("matcalc — derive, check and render gradients of scalar functions of matrices.");

        var showExpr = new Argument<string>("EXPR") { Description = "A matcalc expression, e.g. \"tr(W Omega^-1 W')\"." };
        var showWhere = WhereOption();
        var showFormat = FormatOption("text", "latex", "json");
        var show = new Command("show", "Parse an expression, infer the shapes, and print it as text, LaTeX or JSON.") { showExpr, showWhere, showFormat };
        show.SetAction(r => Guard(r.GetValue(showFormat)!, stdout, stderr, () => Show(r.GetValue(showExpr)!, r.GetValue(showWhere), r.GetValue(showFormat)!, stdout)));
        root.Subcommands.Add(show);

        var evalExpr = new Argument<string>("EXPR") { Description = "A matcalc expression." };
        var evalAt = new Option<string>("--at") { Description = "VALUES.json binding symbols to numbers: {\"W\": [[1,2],[3,4]], \"s\": 0.5, \"y\": [1,2]}.", Required = true };
        var evalWhere = WhereOption();
        var evalFormat = FormatOption("text", "json");
        var eval = new Command("eval", "Evaluate an expression at given values.") { evalExpr, evalAt, evalWhere, evalFormat };
        eval.SetAction(r => Guard(r.GetValue(evalFormat)!, stdout, stderr, () => Eval(r.GetValue(evalExpr)!, r.GetValue(evalAt)!, r.GetValue(evalWhere), r.GetValue(evalFormat)!, stdout)));
        root.Subcommands.Add(eval);
        root.Subcommands.Add(GradientCommand(stdout, stderr));
        root.Subcommands.Add(HessianCommand(stdout, stderr));
        root.Subcommands.Add(JacobianCommand(stdout, stderr));
        root.Subcommands.Add(CheckCommand(stdout, stderr));
        root.Subcommands.Add(RenderCommand(stdout, stderr));
        root.Subcommands.Add(GradeCommand(stdout, stderr));
        return root;
    }

    /// <summary>Runs a command body, turning diagnostics into the documented output and exit code 2.</summary>
    private static int Guard(string format, TextWriter stdout, TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (MatcalcException ex)
        {
            if (format == "json")
                stdout.WriteLine(ToJson(new JsonObject { ["error"] = DiagnosticsJson(ex.Source, ex.Diagnostics) }));
            stderr.WriteLine(DiagnosticFormatter.Format(ex.Source, ex.Diagnostics));
            return BadInput;
        }
    }

    internal static string ToJson(JsonNode node) => node.ToJsonString(JsonOptions);

    internal static JsonArray DiagnosticsJson(string source, IEnumerable<Diagnostic> diagnostics) =>
        new(diagnostics.Select(d =>
        {
            var (line, column) = DiagnosticFormatter.Position(source, d.Span.Start);
            return (JsonNode)new JsonObject
            {
                ["id"] = d.Id,
                ["severity"] = d.Severity.ToString().ToLowerInvariant(),
                ["message"] = d.Message,
                ["hint"] = d.Hint,
                ["span"] = new JsonObject { ["start"] = d.Span.Start, ["length"] = d.Span.Length, ["line"] = line, ["column"] = column },
                ["source"] = source,
            };
        }).ToArray());

    internal static JsonObject ExprJson(Expr e) => new() { ["text"] = TextPrinter.Print(e), ["latex"] = LatexPrinter.Print(e) };

    private static JsonObject ShapeJson(Shape s) => new() { ["rows"] = s.Rows.ToString(), ["cols"] = s.Cols.ToString(), ["text"] = s.ToString() };

    private static int Show(string text, string? where, string format, TextWriter stdout)
    {
        var scope = Scope.Parse(where);
        var e = MatCalc.Parse(text, scope);
        switch (format)
        {
            case "latex":
                stdout.WriteLine(e.Latex);
                break;
            case "json":
                stdout.WriteLine(ToJson(new JsonObject
                {
                    ["expr"] = ExprJson(e.Expr),
                    ["shape"] = ShapeJson(e.Shape),
                    ["symbols"] = new JsonArray(e.Symbols.Select(s => (JsonNode)new JsonObject
                    {
                        ["name"] = s.Name,
                        ["latex"] = LatexPrinter.Name(s.Name),
                        ["shape"] = ShapeJson(s.Shape),
                        ["declared"] = scope.TryGet(s.Name, out _),
                        ["properties"] = new JsonArray(Enum.GetValues<SymbolProps>().Where(p => p != SymbolProps.None && s.Props.HasFlag(p))
                            .Select(p => (JsonNode)JsonValue.Create(p.ToString().ToLowerInvariant())!).ToArray()),
                    }).ToArray()),
                    ["notes"] = DiagnosticsJson(text, e.Notes),
                }));
                break;
            default:
                stdout.WriteLine(e.Text);
                stdout.WriteLine($"  shape: {e.Shape}");
                foreach (var s in e.Symbols)
                    stdout.WriteLine($"  {s.Name}: {s.Shape}{(scope.TryGet(s.Name, out _) ? "" : " (inferred)")}{PropsText(s.Props)}");
                foreach (var n in e.Notes) stdout.WriteLine($"  note: {n.Message}");
                break;
        }
        return Ok;
    }

    private static string PropsText(SymbolProps p) =>
        p == SymbolProps.None ? "" : " " + string.Join(" ", Enum.GetValues<SymbolProps>().Where(x => x != SymbolProps.None && p.HasFlag(x)).Select(x => x.ToString().ToLowerInvariant()));

    private static int Eval(string text, string valuesPath, string? where, string format, TextWriter stdout)
    {
        var scope = Scope.Parse(where);
        var json = ReadValuesText(valuesPath);
        var values = ValuesJson.Parse(json, valuesPath);
        var e = MatCalc.Parse(text, WithValueShapes(scope, values));
        var result = e.Evaluate(values);
        if (result.Enumerate().Any(v => !double.IsFinite(v)))
            throw new MatcalcException(text, Diagnostic.Error("MC3008", new TextSpan(0, text.Length),
                "The value is not finite (an overflow or an undefined operation) at these values.", "Check the values, e.g. exp of large entries overflows."));
        if (format == "json")
            stdout.WriteLine(ToJson(new JsonObject
            {
                ["expr"] = ExprJson(e.Expr),
                ["shape"] = new JsonObject { ["rows"] = result.RowCount.ToString(System.Globalization.CultureInfo.InvariantCulture), ["cols"] = result.ColumnCount.ToString(System.Globalization.CultureInfo.InvariantCulture), ["text"] = $"{result.RowCount}×{result.ColumnCount}" },
                ["value"] = ValueJson(result, e.Shape),
            }));
        else
            stdout.WriteLine(MatrixText.Format(result));
        return Ok;
    }

    /// <summary>A scalar as a number, a column vector as a flat list, a matrix as a list of rows (as VALUES.json).</summary>
    internal static JsonNode ValueJson(Matrix<double> m, Shape shape)
    {
        if (shape.IsScalar) return JsonValue.Create(m[0, 0]);
        if (shape.Cols.IsOne) return new JsonArray(m.Column(0).Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        return new JsonArray(m.EnumerateRows().Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)JsonValue.Create(v)).ToArray())).ToArray());
    }

    /// <summary>Symbols that are not declared take their shape from the value given (concrete dimensions).</summary>
    private static Scope WithValueShapes(Scope scope, IReadOnlyDictionary<string, Matrix<double>> values) =>
        scope.With(values.Where(v => !scope.TryGet(v.Key, out _)).Select(v =>
            new Declaration(v.Key, new Shape(Dim.Of(v.Value.RowCount), Dim.Of(v.Value.ColumnCount)), SymbolProps.None, default)));

    private static Option<string> WrtOption() => new("--wrt") { Description = "The variable to differentiate with respect to.", Required = true };

    private static Option<int> SeedOption() => new("--seed") { Description = "Seed of the random instance used by checks.", DefaultValueFactory = _ => 1 };

    private static Option<string> DimsOption() => new("--dims") { Description = "Concrete sizes for checks, e.g. n=3,m=4." };

    private static Command GradientCommand(TextWriter stdout, TextWriter stderr)
    {
        var expr = new Argument<string>("EXPR") { Description = "A scalar function, e.g. \"tr(W W')\"." };
        var wrt = WrtOption();
        var where = WhereOption();
        var method = new Option<string>("--method") { Description = "all, differential, gateaux or index.", DefaultValueFactory = _ => "all" };
        method.AcceptOnlyFromAmong("all", "differential", "gateaux", "index");
        var format = FormatOption("text", "latex", "json", "html");
        var seed = SeedOption();
        var dims = DimsOption();
        var at = new Option<string>("--at") { Description = "VALUES.json: also evaluate the gradient there." };
        var check = new Option<string>("--check") { Description = "on (default) or off: the numerical check on a random instance.", DefaultValueFactory = _ => "on" };
        check.AcceptOnlyFromAmong("on", "off");
        var cmd = new Command("gradient", "Derive the gradient of a scalar function, step by step, and check it numerically.")
            { expr, wrt, where, method, format, seed, dims, at, check };
        cmd.SetAction(r => Guard(r.GetValue(format)!, stdout, stderr, () =>
        {
            var options = new GradientOptions
            {
                Method = r.GetValue(method)!, Check = r.GetValue(check) == "on", Seed = r.GetValue(seed), Dims = ParseDims(r.GetValue(dims)),
            };
            var scope = Scope.Parse(r.GetValue(where));
            var values = r.GetValue(at) is { } path ? ReadValues(path) : null;
            if (values is not null) scope = WithValueShapes(scope, values);
            var f = MatCalc.Parse(r.GetValue(expr)!, scope);
            // The check runs at the sizes of the given values (and their declared properties are verified first).
            if (values is not null) options = options with { Dims = MatrixCalculus.SizesOf(f, values, options.Dims) };
            var result = MatrixCalculus.Gradient(f, r.GetValue(wrt)!, options);
            var value = values is null ? null : MatrixCalculus.EvaluateAt(result, values);
            switch (r.GetValue(format))
            {
                case "json": stdout.WriteLine(ToJson(GradientJson(result, value))); break;
                case "latex": stdout.WriteLine(DerivationFormat.Latex(result)); break;
                case "html": stdout.WriteLine(Formats.Of(result)[Formats.Html]); break;
                default:
                    stdout.WriteLine(DerivationFormat.Text(result));
                    if (value is not null) stdout.WriteLine("value at the given point:\n" + MatrixText.Format(value));
                    break;
            }
            return result.Check is { Passed: false, Skipped: false } ? Failed : Ok;
        }));
        return cmd;
    }

    private static Command HessianCommand(TextWriter stdout, TextWriter stderr)
    {
        var expr = new Argument<string>("EXPR") { Description = "A scalar function, e.g. \"tr(X' A X)\"." };
        var wrt = WrtOption();
        var where = WhereOption();
        var method = new Option<string>("--method") { Description = "all, differential or gateaux.", DefaultValueFactory = _ => "all" };
        method.AcceptOnlyFromAmong("all", "differential", "gateaux");
        var format = FormatOption("text", "latex", "json", "html");
        var seed = SeedOption();
        var dims = DimsOption();
        var at = new Option<string>("--at") { Description = "VALUES.json: also evaluate the vec Hessian there ((entries of vec X) × (entries of vec X), column-major)." };
        var check = new Option<string>("--check") { Description = "on (default) or off: the numerical check on a random instance.", DefaultValueFactory = _ => "on" };
        check.AcceptOnlyFromAmong("on", "off");
        var cmd = new Command("hessian", "Derive the Hessian of a scalar function as a linear map H ↦ ∇²f[H] and its vec (Kronecker) matrix, step by step, and check it numerically.")
            { expr, wrt, where, method, format, seed, dims, at, check };
        cmd.SetAction(r => Guard(r.GetValue(format)!, stdout, stderr, () =>
        {
            var options = new GradientOptions
            {
                Method = r.GetValue(method)!, Check = r.GetValue(check) == "on", Seed = r.GetValue(seed), Dims = ParseDims(r.GetValue(dims)),
            };
            var scope = Scope.Parse(r.GetValue(where));
            var values = r.GetValue(at) is { } path ? ReadValues(path) : null;
            if (values is not null) scope = WithValueShapes(scope, values);
            var f = MatCalc.Parse(r.GetValue(expr)!, scope);
            if (values is not null) options = options with { Dims = MatrixCalculus.SizesOf(f, values, options.Dims) };
            var result = MatrixCalculus.Hessian(f, r.GetValue(wrt)!, options);
            var value = values is null ? null : MatrixCalculus.HessianAt(result, values);
            switch (r.GetValue(format))
            {
                case "json": stdout.WriteLine(ToJson(HessianJson(result, value))); break;
                case "latex": stdout.WriteLine(DerivationFormat.Latex(result)); break;
                case "html": stdout.WriteLine(Formats.Of(result)[Formats.Html]); break;
                default:
                    stdout.WriteLine(DerivationFormat.Text(result));
                    if (value is not null) stdout.WriteLine("vec Hessian at the given point (column-major vec):\n" + MatrixText.Format(value));
                    break;
            }
            return result.Check is { Passed: false, Skipped: false } ? Failed : Ok;
        }));
        return cmd;
    }

    private static Command JacobianCommand(TextWriter stdout, TextWriter stderr)
    {
        var expr = new Argument<string>("EXPR") { Description = "A matrix-, vector- or scalar-valued function, e.g. \"softmax(z)\" or \"A X B\"." };
        var wrt = WrtOption();
        var where = WhereOption();
        var method = new Option<string>("--method") { Description = "all, differential or gateaux.", DefaultValueFactory = _ => "all" };
        method.AcceptOnlyFromAmong("all", "differential", "gateaux");
        var format = FormatOption("text", "latex", "json", "html");
        var seed = SeedOption();
        var dims = DimsOption();
        var at = new Option<string>("--at") { Description = "VALUES.json: also evaluate the vec Jacobian there ((entries of vec F) × (entries of vec X), column-major)." };
        var check = new Option<string>("--check") { Description = "on (default) or off: the numerical check on a random instance.", DefaultValueFactory = _ => "on" };
        check.AcceptOnlyFromAmong("on", "off");
        var cmd = new Command("jacobian", "Derive the Jacobian of a matrix- or vector-valued function as a linear map H ↦ DF(X)[H] and its vec (Kronecker) matrix, and check it numerically.")
            { expr, wrt, where, method, format, seed, dims, at, check };
        cmd.SetAction(r => Guard(r.GetValue(format)!, stdout, stderr, () =>
        {
            var options = new GradientOptions
            {
                Method = r.GetValue(method)!, Check = r.GetValue(check) == "on", Seed = r.GetValue(seed), Dims = ParseDims(r.GetValue(dims)),
            };
            var scope = Scope.Parse(r.GetValue(where));
            var values = r.GetValue(at) is { } path ? ReadValues(path) : null;
            if (values is not null) scope = WithValueShapes(scope, values);
            var f = MatCalc.Parse(r.GetValue(expr)!, scope);
            if (values is not null) options = options with { Dims = MatrixCalculus.SizesOf(f, values, options.Dims) };
            var result = MatrixCalculus.Jacobian(f, r.GetValue(wrt)!, options);
            var value = values is null ? null : MatrixCalculus.JacobianAt(result, values);
            switch (r.GetValue(format))
            {
                case "json": stdout.WriteLine(ToJson(JacobianJson(result, value))); break;
                case "latex": stdout.WriteLine(DerivationFormat.Latex(result)); break;
                case "html": stdout.WriteLine(Formats.Of(result)[Formats.Html]); break;
                default:
                    stdout.WriteLine(DerivationFormat.Text(result));
                    if (value is not null) stdout.WriteLine("vec Jacobian at the given point (column-major vec):\n" + MatrixText.Format(value));
                    break;
            }
            return result.Check is { Passed: false, Skipped: false } ? Failed : Ok;
        }));
        return cmd;
    }

    internal static JsonObject JacobianJson(JacobianResult r, Matrix<double>? value)
    {
        var o = new JsonObject
        {
            ["expr"] = ExprJson(r.Function.Expr),
            ["shape"] = ShapeJson(r.Function.Shape),
            ["wrt"] = r.Variable.Name,
            ["direction"] = r.Direction.Name,
            ["jacobian"] = new JsonObject
            {
                ["map"] = ExprJson(r.Map),
                ["vec"] = r.VecForm is null ? null : ExprJson(r.VecForm),
                ["vecUnsupported"] = r.VecUnsupported,
                ["layout"] = JacobianResult.Layout,
            },
            ["methods"] = new JsonArray(r.Methods.Select(m => (JsonNode)new JsonObject
            {
                ["name"] = m.Method,
                ["map"] = m.Gradient is null ? null : ExprJson(m.Gradient),
                ["steps"] = StepsJson(m),
                ["unsupported"] = m.Unsupported,
            }).ToArray()),
            ["agree"] = r.Agree,
            ["agreement"] = r.AgreementBasis,
            ["check"] = r.Check is null ? null : new JsonObject
            {
                ["relativeError"] = double.IsFinite(r.Check.RelativeError) ? r.Check.RelativeError : null,
                ["passed"] = r.Check.Passed,
                ["skipped"] = r.Check.Skipped,
                ["seed"] = r.Check.Seed,
                ["tolerance"] = r.Check.Tolerance,
                ["columns"] = r.Check.Columns,
                ["sizes"] = new JsonObject(r.Check.Sizes.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                ["summary"] = r.Check.Summary,
                ["toleranceReason"] = JacobianCheckReport.ToleranceReason,
            },
        };
        if (value is not null) o["value"] = MatrixJson(value);
        return o;
    }

    internal static JsonObject HessianJson(HessianResult r, Matrix<double>? value)
    {
        var o = new JsonObject
        {
            ["expr"] = ExprJson(r.Function.Expr),
            ["wrt"] = r.Variable.Name,
            ["direction"] = r.Direction.Name,
            ["gradient"] = ExprJson(r.Gradient),
            ["hessian"] = new JsonObject
            {
                ["map"] = ExprJson(r.Map),
                ["vec"] = r.VecForm is null ? null : ExprJson(r.VecForm),
                ["vecUnsupported"] = r.VecUnsupported,
                ["layout"] = HessianResult.Layout,
            },
            ["methods"] = new JsonArray(r.Methods.Select(m => (JsonNode)new JsonObject
            {
                ["name"] = m.Method,
                ["map"] = m.Gradient is null ? null : ExprJson(m.Gradient),
                ["steps"] = StepsJson(m),
                ["unsupported"] = m.Unsupported,
            }).ToArray()),
            ["agree"] = r.Agree,
            ["agreement"] = r.AgreementBasis,
            ["convention"] = r.Convention,
            ["check"] = r.Check is null ? null : new JsonObject
            {
                ["relativeError"] = double.IsFinite(r.Check.RelativeError) ? r.Check.RelativeError : null,
                ["symmetryError"] = double.IsFinite(r.Check.SymmetryError) ? r.Check.SymmetryError : null,
                ["quadraticError"] = double.IsFinite(r.Check.QuadraticError) ? r.Check.QuadraticError : null,
                ["passed"] = r.Check.Passed,
                ["skipped"] = r.Check.Skipped,
                ["seed"] = r.Check.Seed,
                ["tolerance"] = r.Check.Tolerance,
                ["columns"] = r.Check.Columns,
                ["sizes"] = new JsonObject(r.Check.Sizes.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                ["summary"] = r.Check.Summary,
                ["toleranceReason"] = HessianCheckReport.ToleranceReason,
            },
        };
        if (value is not null) o["value"] = MatrixJson(value);
        return o;
    }

    private static JsonArray StepsJson(Derivation m) =>
        new(m.Steps.Select(s => (JsonNode)new JsonObject
        {
            ["latex"] = s.Latex, ["text"] = s.Text, ["rule"] = s.Rule,
            ["rules"] = new JsonArray(s.Rules.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()),
            ["statements"] = new JsonArray(s.Rules.Where(Rules.Exists).Select(x => (JsonNode)new JsonObject
            {
                ["rule"] = x, ["latex"] = Rules.Get(x).Latex, ["assumption"] = Rules.Get(x).Assumption,
            }).ToArray()),
        }).ToArray());

    private static Command CheckCommand(TextWriter stdout, TextWriter stderr)
    {
        var expr = new Argument<string>("EXPR") { Description = "A scalar function." };
        var wrt = WrtOption();
        var claim = new Option<string>("--claim") { Description = "The claimed gradient, in matcalc syntax.", Required = true };
        var where = WhereOption();
        var format = FormatOption("text", "json", "html");
        var seed = SeedOption();
        var dims = DimsOption();
        var answer = new Option<string>("--answer") { Description = "shown or hidden: hidden leaves the derived gradient out (exercise sheets).", DefaultValueFactory = _ => "shown" };
        answer.AcceptOnlyFromAmong("shown", "hidden");
        var derivative = new Option<string>("--derivative") { Description = "gradient (default), hessian or jacobian: a Hessian or Jacobian claim is the map applied to the direction H, e.g. \"2 A' A H\".", DefaultValueFactory = _ => "gradient" };
        derivative.AcceptOnlyFromAmong("gradient", "hessian", "jacobian");
        var cmd = new Command("check", "Say whether a claimed gradient (or Hessian) is right; when it is not, show a counterexample.")
            { expr, wrt, claim, where, format, seed, dims, answer, derivative };
        cmd.SetAction(r => Guard(r.GetValue(format)!, stdout, stderr, () =>
        {
            var options = new GradientOptions { Seed = r.GetValue(seed), Dims = ParseDims(r.GetValue(dims)) };
            var f = MatCalc.Parse(r.GetValue(expr)!, Scope.Parse(r.GetValue(where)));
            var report = r.GetValue(derivative) switch
            {
                "hessian" => MatrixCalculus.CheckHessian(f, r.GetValue(wrt)!, r.GetValue(claim)!, options),
                "jacobian" => MatrixCalculus.CheckJacobian(f, r.GetValue(wrt)!, r.GetValue(claim)!, options),
                _ => MatrixCalculus.Check(f, r.GetValue(wrt)!, r.GetValue(claim)!, options),
            };
            var show = r.GetValue(answer) != "hidden";
            if (r.GetValue(format) == "json")
            {
                var json = ClaimJson(report, r.GetValue(wrt)!);
                if (!show) HideAnswer(json, report);
                stdout.WriteLine(ToJson(json));
            }
            else if (r.GetValue(format) == "html") stdout.WriteLine(Formats.Of(new ClaimResult(report, r.GetValue(wrt)!, show))[Formats.Html]);
            else stdout.WriteLine(DerivationFormat.Text(report, r.GetValue(wrt)!, show));
            return report.Right ? Ok : Failed;
        }));
        return cmd;
    }

    private static Command RenderCommand(TextWriter stdout, TextWriter stderr)
    {
        var notebooks = new Argument<string[]>("NOTEBOOK") { Description = "Polyglot/Jupyter notebooks (.ipynb).", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string>("--out") { Description = "Directory for the HTML pages.", Required = true };
        var inPlace = new Option<bool>("--in-place") { Description = "Also write the executed outputs back into each .ipynb (so viewers that do not run code show them)." };
        var cmd = new Command("render", "Execute the #!matcalc cells of notebooks and write static HTML pages.") { notebooks, outDir, inPlace };
        cmd.SetAction(r =>
        {
            var failed = 0;
            NotebookRenderer.FailedCells = 0;
            var dir = r.GetValue(outDir)!;
            if (File.Exists(dir))
            {
                stderr.WriteLine(DiagnosticFormatter.Format("", DiagnosticCatalog.OutputIsAFile.At(default,
                    $"--out {DiagnosticFormatter.Quote(dir)} is an existing file; the pages go into a folder.", "Name a folder (it is created if missing), e.g. --out site.")));
                return BadInput;
            }
            Directory.CreateDirectory(dir);
            var paths = r.GetValue(notebooks)!;
            var pages = NotebookRenderer.Pages(paths);
            File.WriteAllText(Path.Combine(dir, "index.html"), NotebookRenderer.Index(pages));
            var charts = false;
            var interactive = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
            for (var index = 0; index < paths.Length; index++)
            {
                var path = paths[index];
                var position = index;
                // The progress bar redraws one terminal line; in a log (stderr redirected) it would only add noise.
                if (interactive) stderr.Write($"\r[{new string('#', (index + 1) * 20 / paths.Length).PadRight(20)}] {index + 1}/{paths.Length} {Path.GetFileName(path)}".PadRight(70));
                var code = Guard("text", stdout, stderr, () =>
                {
                    var json = ReadFile(path, "MC5002", "a notebook", "Pass .ipynb notebook files.");
                    NotebookRenderer.Executed executed;
                    try { executed = NotebookRenderer.Execute(json, pages[position].Title, NotebookRenderer.Navigation(pages, position)); }
                    catch (JsonException ex)
                    {
                        throw new MatcalcException(path, Diagnostic.Error("MC5001", new TextSpan(0, path.Length), $"{path} is not valid JSON: {ex.Message}", "Pass a .ipynb notebook file."));
                    }
                    charts |= executed.HasCharts;
                    var target = Path.Combine(dir, pages[position].File);
                    File.WriteAllText(target, executed.Page);
                    stdout.WriteLine($"{path} → {target}");
                    if (r.GetValue(inPlace))
                    {
                        File.WriteAllText(path, NotebookRenderer.WithOutputs(json, executed));
                        stdout.WriteLine($"{path}: outputs written back");
                    }
                    return Ok;
                });
                if (code != Ok) failed++;
            }
            if (interactive) stderr.WriteLine();
            // One copy of plotly.js per site, from Plotly.NET itself: pages with charts work offline.
            if (charts) File.WriteAllText(Path.Combine(dir, Charts.PlotlyJsFile), Charts.PlotlyJs());
            if (NotebookRenderer.FailedCells > 0) stderr.WriteLine($"{NotebookRenderer.FailedCells} C# cell(s) failed; see the pages.");
            return failed > 0 ? BadInput : NotebookRenderer.FailedCells > 0 ? Failed : Ok;
        });
        return cmd;
    }

    private static Command GradeCommand(TextWriter stdout, TextWriter stderr)
    {
        var submissions = new Argument<string[]>("SUBMISSION") { Description = "Student notebooks (.ipynb).", Arity = ArgumentArity.OneOrMore };
        var keyPath = new Option<string>("--key") { Description = "KEY.json: {\"exercises\": [{\"id\", \"function\", \"wrt\", \"where\"}]}.", Required = true };
        var format = FormatOption("text", "json", "csv");
        var cmd = new Command("grade", "Grade the exercise answers in student notebooks against a key.") { submissions, keyPath, format };
        cmd.SetAction(r => Guard(r.GetValue(format)!, stdout, stderr, () =>
        {
            IReadOnlyList<KeyExercise> key;
            var keyText = ReadFile(r.GetValue(keyPath)!, "MC5003", "the grading key",
                "The key is {\"exercises\": [{\"id\": \"u1-e1\", \"function\": \"tr(A X)\", \"wrt\": \"X\", \"where\": \"A: m x n; X: n x m\"}]}.");
            try { key = Grader.ReadKey(keyText); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new MatcalcException("", Diagnostic.Error("MC5003", default, $"Cannot read the key '{r.GetValue(keyPath)}': {ex.Message}",
                    "The key is {\"exercises\": [{\"id\": \"u1-e1\", \"function\": \"tr(A X)\", \"wrt\": \"X\", \"where\": \"A: m x n; X: n x m\"}]}."));
            }
            Grader.CheckKey(key);
            var grades = GradeRun.GradeAll(Grader.Submissions(r.GetValue(submissions)!), key, stderr);
            stdout.WriteLine(Grader.Format(grades, r.GetValue(format)!, key.Count));
            return Ok;
        }));
        return cmd;
    }

    internal static Dictionary<string, int>? ParseDims(string? text) => string.IsNullOrWhiteSpace(text) ? null : ValuesJson.ParseDims(text);

    private static Dictionary<string, Matrix<double>> ReadValues(string path)
    {
        return ValuesJson.Parse(ReadValuesText(path), path);
    }

    private static string ReadValuesText(string path) =>
        ReadFile(path, "MC3007", "the values file", "Pass a JSON file such as values.json containing {\"W\": [[1,2],[3,4]]}.");

    /// <summary>
    /// Reads a file named on the command line; a folder, a missing file or an unreadable one is a one-line diagnostic
    /// <paramref name="code"/> that says which (never "Access to the path is denied" for a folder).
    /// </summary>
    internal static string ReadFile(string path, string code, string what, string hint)
    {
        // The message names the path: no source line to quote under it.
        var all = default(TextSpan);
        if (Directory.Exists(path))
            throw new MatcalcException("", Diagnostic.Error(code, all, $"{DiagnosticFormatter.Quote(path)} is a folder, not {what}.", hint));
        if (!File.Exists(path))
            throw new MatcalcException("", Diagnostic.Error(code, all, $"There is no file {DiagnosticFormatter.Quote(path)} ({what}).", hint));
        try { return File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new MatcalcException("", Diagnostic.Error(code, all, $"Cannot read {what} {DiagnosticFormatter.Quote(path)}: {ex.Message}", hint));
        }
    }

    internal static JsonObject GradientJson(GradientResult r, Matrix<double>? value)
    {
        var o = new JsonObject
        {
            ["expr"] = ExprJson(r.Function.Expr),
            ["wrt"] = r.Variable.Name,
            ["gradient"] = ExprJson(r.Gradient),
            ["methods"] = new JsonArray(r.Methods.Select(m => (JsonNode)new JsonObject
            {
                ["name"] = m.Method,
                ["gradient"] = m.Gradient is null ? null : ExprJson(m.Gradient),
                ["steps"] = new JsonArray(m.Steps.Select(s => (JsonNode)new JsonObject
                {
                    ["latex"] = s.Latex, ["text"] = s.Text, ["rule"] = s.Rule,
                    ["rules"] = new JsonArray(s.Rules.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()),
                    // Each rule's statement (and the assumption it needs) from the catalogue.
                    ["statements"] = new JsonArray(s.Rules.Where(Rules.Exists).Select(x => (JsonNode)new JsonObject
                    {
                        ["rule"] = x, ["latex"] = Rules.Get(x).Latex, ["assumption"] = Rules.Get(x).Assumption,
                    }).ToArray()),
                }).ToArray()),
                ["unsupported"] = m.Unsupported,
            }).ToArray()),
            ["agree"] = r.Agree,
            ["agreement"] = r.AgreementBasis,
            ["check"] = r.Check is null ? null : new JsonObject
            {
                ["relativeError"] = double.IsFinite(r.Check.RelativeError) ? r.Check.RelativeError : null,
                ["passed"] = r.Check.Passed,
                ["skipped"] = r.Check.Skipped,
                ["seed"] = r.Check.Seed,
                ["tolerance"] = r.Check.Tolerance,
                ["sizes"] = new JsonObject(r.Check.Sizes.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                ["summary"] = r.Check.Summary,
                ["toleranceReason"] = CheckReport.ToleranceReason,
            },
        };
        if (value is not null) o["value"] = ValueJson(value, r.Variable.Shape);
        return o;
    }

    /// <summary>
    /// The JSON of a claim with the answer hidden (exercise sheets): no derived gradient, and a counterexample with the
    /// entries that differ and the relative error to one digit instead of the derived values and per-entry differences;
    /// relative errors rounded the same way, hints without the counterexample some carry.
    /// </summary>
    internal static void HideAnswer(JsonObject json, ClaimReport c)
    {
        json.Remove("gradient");
        json.Remove("hessian");
        json.Remove("jacobian");
        if (json["counterexample"] is JsonObject ce && c.Counterexample is { } counter)
        {
            ce.Remove("expected");
            ce.Remove("differences");
            ce["differing"] = new JsonArray(counter.Differing.Select(d => (JsonNode)new JsonObject { ["row"] = d.Row + 1, ["col"] = d.Col + 1 }).ToArray());
            ce["relativeError"] = double.Parse(DerivationFormat.Rough(counter.RelativeError), System.Globalization.CultureInfo.InvariantCulture);
        }
        json["hints"] = new JsonArray(c.Hints.Select(h => (JsonNode)JsonValue.Create(DerivationFormat.HiddenHint(h))!).ToArray());
        if (json["basis"] is JsonObject basis && basis["instances"] is JsonArray instances)
        {
            foreach (var i in instances.OfType<JsonObject>())
                i["relativeError"] = double.Parse(DerivationFormat.Rough(i["relativeError"]!.GetValue<double>()), System.Globalization.CultureInfo.InvariantCulture);
            if (basis["worstRelativeError"] is JsonValue worst)
                basis["worstRelativeError"] = double.Parse(DerivationFormat.Rough(worst.GetValue<double>()), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    internal static JsonObject ClaimJson(ClaimReport c, string wrt)
    {
        var json = ClaimJsonCore(c, wrt);
        // A Hessian claim says so (a gradient claim's JSON is unchanged): the derived map is "hessian", written in "direction".
        if (c.Derivative is "hessian" or "jacobian")
        {
            json.Insert(1, "derivative", c.Derivative);
            json.Insert(2, "direction", c.Direction);
        }
        return json;
    }

    private static JsonObject ClaimJsonCore(ClaimReport c, string wrt) => new()
    {
        ["wrt"] = wrt,
        ["right"] = c.Right,
        ["verdict"] = c.Verdict,
        ["how"] = c.How,
        ["claim"] = c.Claim is null ? null : ExprJson(c.Claim),
        [c.Derivative is "hessian" or "jacobian" ? c.Derivative : "gradient"] = ExprJson(c.Gradient),
        ["counterexample"] = c.Counterexample is null ? null : new JsonObject
        {
            ["seed"] = c.Counterexample.Seed,
            ["sizes"] = new JsonObject(c.Counterexample.Sizes.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["values"] = new JsonObject(c.Counterexample.Values.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)MatrixJson(p.Value)))),
            ["expected"] = MatrixJson(c.Counterexample.Expected),
            ["claimed"] = MatrixJson(c.Counterexample.Claimed),
            ["differences"] = new JsonArray(c.Counterexample.Differences.Select(d => (JsonNode)new JsonObject
            {
                ["row"] = d.Row + 1, ["col"] = d.Col + 1, ["expected"] = d.Expected, ["claimed"] = d.Claimed,
            }).ToArray()),
        },
        ["hints"] = new JsonArray(c.Hints.Select(h => (JsonNode)JsonValue.Create(h)!).ToArray()),
        ["claimDiagnostics"] = DiagnosticsJson("", c.ClaimDiagnostics),
        ["basis"] = c.Basis is not { } basis ? null : new JsonObject
        {
            ["instances"] = new JsonArray(basis.Instances.Select(i => (JsonNode)new JsonObject
            {
                ["seed"] = i.Seed,
                ["variant"] = i.Variant,
                ["sizes"] = new JsonObject(i.Sizes.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                ["relativeError"] = i.RelativeError,
                ["tolerance"] = i.Tolerance,
            }).ToArray()),
            ["sizeAssignments"] = basis.SizeAssignments,
            ["skippedIllConditioned"] = basis.Skipped,
            ["worstRelativeError"] = basis.Instances.Count == 0 ? null : basis.WorstRelativeError,
            ["tolerance"] = basis.Instances.Count == 0 ? null : basis.Tolerance,
            ["symbolicallyEqual"] = basis.SymbolicallyEqual,
        },
    };

    private static JsonNode MatrixJson(Matrix<double> m) =>
        m.RowCount == 1 && m.ColumnCount == 1 ? JsonValue.Create(m[0, 0])
        : new JsonArray(m.EnumerateRows().Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)JsonValue.Create(v)).ToArray())).ToArray());
}
