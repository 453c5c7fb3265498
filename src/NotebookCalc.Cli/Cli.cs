using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Notebook;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

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
        if (word.Length > 60) return "";
        var near = candidates.Select(c => (c, d: EditDistance.Between(word.ToLowerInvariant(), c)))
            .Where(x => x.d <= 2 || (word.Length >= 3 && x.c.StartsWith(word, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(x => x.d).ThenBy(x => x.c, StringComparer.Ordinal).Select(x => x.c).Take(2).ToList();
        return near.Count == 0 ? "" : $" (did you mean {string.Join(" or ", near.Select(n => $"'{n}'"))}?)";
    }

    /// <summary>
    /// A command of the one table of verbs (<see cref="Verbs.CommandLine"/>): its positional argument and options, with the
    /// descriptions, required-ness, allowed values, defaults and types the table gives. Handlers read values by name.
    /// </summary>
    internal static Command FromTable(string name)
    {
        var verb = Verbs.CommandLine.Single(v => v.Name == name);
        var command = new Command(verb.Name, verb.Description);
        foreach (var p in verb.Parameters)
        {
            if (p.Implicit)
            {
                Argument argument = p.Many
                    ? new Argument<string[]>(p.Name.ToUpperInvariant()) { Description = p.Description, Arity = ArgumentArity.OneOrMore }
                    : new Argument<string>(p.Name.ToUpperInvariant()) { Description = p.Description };
                command.Arguments.Add(argument);
                continue;
            }
            var aliases = p.Alias is null ? Array.Empty<string>() : [p.Alias];
            Option option;
            if (p.Flag) option = new Option<bool>(p.Name, aliases) { Description = p.Description };
            else if (p.Integer)
            {
                var fallback = int.Parse(p.Default ?? "0", System.Globalization.CultureInfo.InvariantCulture);
                option = new Option<int>(p.Name, aliases) { Description = p.Description, Required = p.Required, DefaultValueFactory = _ => fallback };
            }
            else
            {
                var text = new Option<string>(p.Name, aliases) { Description = p.Description, Required = p.Required };
                var fallback = p.Default ?? p.Values?[0];
                if (fallback is not null) text.DefaultValueFactory = _ => fallback;
                if (p.Values is not null) text.AcceptOnlyFromAmong([.. p.Values]);
                option = text;
            }
            command.Options.Add(option);
        }
        return command;
    }

    /// <summary>The value of the argument or option <paramref name="name"/> (as the table names it: "expr", "--wrt").</summary>
    private static T Value<T>(ParseResult r, string name) => r.GetValue<T>(name.StartsWith('-') ? name : name.ToUpperInvariant())!;

    private static string? Text(ParseResult r, string name) => r.GetValue<string>(name.StartsWith('-') ? name : name.ToUpperInvariant());

    internal static RootCommand BuildCommand(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("matcalc — derive, check and render gradients of scalar functions of matrices.");

        // The commands in the table's order; a verb of the table without an action here is a bug caught by the tests.
        foreach (var verb in Verbs.CommandLine)
            root.Subcommands.Add(verb.Name switch
            {
                "show" => ShowCommand(stdout, stderr),
                "eval" => EvalCommand(stdout, stderr),
                "gradient" => GradientCommand(stdout, stderr),
                "hessian" => HessianCommand(stdout, stderr),
                "jacobian" => JacobianCommand(stdout, stderr),
                "check" => CheckCommand(stdout, stderr),
                "render" => RenderCommand(stdout, stderr),
                "grade" => GradeCommand(stdout, stderr),
                _ => throw new InvalidOperationException($"the verb table has '{verb.Name}' for the command line but matcalc has no action for it"),
            });
        return root;
    }

    private static Command ShowCommand(TextWriter stdout, TextWriter stderr)
    {
        var show = FromTable("show");
        show.SetAction(r => Guard(Text(r, "--format")!, stdout, stderr, () => Show(Text(r, "expr")!, Text(r, "--where"), Text(r, "--format")!, stdout)));
        return show;
    }

    private static Command EvalCommand(TextWriter stdout, TextWriter stderr)
    {
        var eval = FromTable("eval");
        eval.SetAction(r => Guard(Text(r, "--format")!, stdout, stderr, () => Eval(Text(r, "expr")!, Text(r, "--at")!, Text(r, "--where"), Text(r, "--format")!, stdout)));
        return eval;
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

    /// <summary>A derivation of the result kind <typeparamref name="T"/>, as gradient, hessian and jacobian print it.</summary>
    private sealed record Derivation<T>(
        Func<Expression, string, GradientOptions, T> Derive,
        Func<T, IReadOnlyDictionary<string, Matrix<double>>, Matrix<double>> At,
        Func<T, Matrix<double>?, JsonObject> Json,
        Func<T, string> Latex,
        Func<T, string> Text,
        string ValueLabel,
        Func<T, bool> CheckFailed)
        where T : notnull;

    private static Command GradientCommand(TextWriter stdout, TextWriter stderr) =>
        DerivationCommand("gradient", stdout, stderr, new Derivation<GradientResult>(
            MatCalc.Gradient, MatCalc.EvaluateAt, GradientJson, DerivationFormat.Latex, DerivationFormat.Text,
            "value at the given point:", r => r.Check is { Passed: false, Skipped: false }));

    private static Command HessianCommand(TextWriter stdout, TextWriter stderr) =>
        DerivationCommand("hessian", stdout, stderr, new Derivation<HessianResult>(
            MatCalc.Hessian, MatCalc.HessianAt, HessianJson, DerivationFormat.Latex, DerivationFormat.Text,
            "vec Hessian at the given point (column-major vec):", r => r.Check is { Passed: false, Skipped: false }));

    private static Command JacobianCommand(TextWriter stdout, TextWriter stderr) =>
        DerivationCommand("jacobian", stdout, stderr, new Derivation<JacobianResult>(
            MatCalc.Jacobian, MatCalc.JacobianAt, JacobianJson, DerivationFormat.Latex, DerivationFormat.Text,
            "vec Jacobian at the given point (column-major vec):", r => r.Check is { Passed: false, Skipped: false }));

    /// <summary>
    /// gradient, hessian and jacobian: parse f (undeclared symbols sized by --at values), derive, and print in the chosen
    /// format; with --at the check runs at the values' sizes (their declared properties verified first) and the result is
    /// also evaluated there. Exit 1 when the derived result fails its own check.
    /// </summary>
    private static Command DerivationCommand<T>(string name, TextWriter stdout, TextWriter stderr, Derivation<T> derivation)
        where T : notnull
    {
        var cmd = FromTable(name);
        cmd.SetAction(r => Guard(Text(r, "--format")!, stdout, stderr, () =>
        {
            var options = new GradientOptions
            {
                Method = Text(r, "--method")!, Check = Text(r, "--check") == "on", Seed = Value<int>(r, "--seed"), Dims = ParseDims(Text(r, "--dims")),
            };
            var scope = Scope.Parse(Text(r, "--where"));
            var values = Text(r, "--at") is { } path ? ReadValues(path) : null;
            if (values is not null) scope = WithValueShapes(scope, values);
            var f = MatCalc.Parse(Text(r, "expr")!, scope);
            if (values is not null) options = options with { Dims = MatCalc.SizesOf(f, values, options.Dims) };
            var result = derivation.Derive(f, Text(r, "--wrt")!, options);
            var value = values is null ? null : derivation.At(result, values);
            switch (Text(r, "--format"))
            {
                case "json": stdout.WriteLine(ToJson(derivation.Json(result, value))); break;
                case "latex": stdout.WriteLine(derivation.Latex(result)); break;
                case "html": stdout.WriteLine(Formats.Of(result)[Formats.Html]); break;
                default:
                    stdout.WriteLine(derivation.Text(result));
                    if (value is not null) stdout.WriteLine(derivation.ValueLabel + "\n" + MatrixText.Format(value));
                    break;
            }
            return derivation.CheckFailed(result) ? Failed : Ok;
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
            ["methods"] = MethodsJson(r.Methods, "map"),
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
            ["methods"] = MethodsJson(r.Methods, "map"),
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

    /// <summary>Each method's name, its result (under <paramref name="result"/>: "gradient", or "map" for Hessians and
    /// Jacobians), its steps and why it declined, if it did.</summary>
    private static JsonArray MethodsJson(IEnumerable<Derivation> methods, string result) =>
        new(methods.Select(m => (JsonNode)new JsonObject
        {
            ["name"] = m.Method,
            [result] = m.Gradient is null ? null : ExprJson(m.Gradient),
            ["steps"] = StepsJson(m),
            ["unsupported"] = m.Unsupported,
        }).ToArray());

    /// <summary>The steps with their rules and each rule's statement (and the assumption it needs) from the catalogue.</summary>
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
        var cmd = FromTable("check");
        cmd.SetAction(r => Guard(Text(r, "--format")!, stdout, stderr, () =>
        {
            var options = new GradientOptions { Seed = Value<int>(r, "--seed"), Dims = ParseDims(Text(r, "--dims")) };
            var f = MatCalc.Parse(Text(r, "expr")!, Scope.Parse(Text(r, "--where")));
            var wrt = Text(r, "--wrt")!;
            var report = Text(r, "--derivative") switch
            {
                "hessian" => MatCalc.CheckHessian(f, wrt, Text(r, "--claim")!, options),
                "jacobian" => MatCalc.CheckJacobian(f, wrt, Text(r, "--claim")!, options),
                _ => MatCalc.Check(f, wrt, Text(r, "--claim")!, options),
            };
            var show = Text(r, "--answer") != "hidden";
            if (Text(r, "--format") == "json")
            {
                var json = ClaimJson(report, wrt);
                if (!show) HideAnswer(json, report);
                stdout.WriteLine(ToJson(json));
            }
            else if (Text(r, "--format") == "html") stdout.WriteLine(Formats.Of(new ClaimResult(report, wrt, show))[Formats.Html]);
            else stdout.WriteLine(DerivationFormat.Text(report, wrt, show));
            return report.Right ? Ok : Failed;
        }));
        return cmd;
    }

    private static Command RenderCommand(TextWriter stdout, TextWriter stderr)
    {
        var cmd = FromTable("render");
#if MATCALC_NATIVE
        // The native front end never runs render itself (Roslyn scripting needs the JIT): Program hands the whole command
        // line to the JIT-compiled matcalc.dll beside it before parsing (NativeHandoff), so this action is never reached.
        cmd.SetAction(RenderElsewhere);
        static int RenderElsewhere(ParseResult _) => throw new InvalidOperationException("render runs in matcalc.dll, not in the native front end");
#else
        cmd.SetAction(r =>
        {
            var failed = 0;
            NotebookRenderer.FailedCells = 0;
            var dir = Text(r, "--out")!;
            if (File.Exists(dir))
            {
                stderr.WriteLine(DiagnosticFormatter.Format("", DiagnosticCatalog.OutputIsAFile.At(default,
                    $"--out {DiagnosticFormatter.Quote(dir)} is an existing file; the pages go into a folder.", "Name a folder (it is created if missing), e.g. --out site.")));
                return BadInput;
            }
            Directory.CreateDirectory(dir);
            var paths = Value<string[]>(r, "NOTEBOOK");
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
                    var json = NotebookFiles.ReadAsIpynb(path, ReadFile(path, "MC5002", "a notebook", "Pass .ipynb or .dib notebook files."));
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
                    if (Value<bool>(r, "--in-place") && NotebookFiles.IsDib(path))
                        stdout.WriteLine($"{path}: a .dib file holds no outputs; not written back (the page has them)");
                    else if (Value<bool>(r, "--in-place"))
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
#endif
        return cmd;
    }

    private static Command GradeCommand(TextWriter stdout, TextWriter stderr)
    {
        var cmd = FromTable("grade");
        cmd.SetAction(r => Guard(Text(r, "--format")!, stdout, stderr, () =>
        {
            IReadOnlyList<KeyExercise> key;
            var keyText = ReadFile(Text(r, "--key")!, "MC5003", "the grading key",
                "The key is {\"exercises\": [{\"id\": \"u1-e1\", \"function\": \"tr(A X)\", \"wrt\": \"X\", \"where\": \"A: m x n; X: n x m\"}]}.");
            try { key = Grader.ReadKey(keyText); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new MatcalcException("", Diagnostic.Error("MC5003", default, $"Cannot read the key '{Text(r, "--key")}': {ex.Message}",
                    "The key is {\"exercises\": [{\"id\": \"u1-e1\", \"function\": \"tr(A X)\", \"wrt\": \"X\", \"where\": \"A: m x n; X: n x m\"}]}."));
            }
            Grader.CheckKey(key);
            var grades = GradeRun.GradeAll(Grader.Submissions(Value<string[]>(r, "SUBMISSION")), key, stderr);
            stdout.WriteLine(Grader.Format(grades, Text(r, "--format")!, key.Count));
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
            ["methods"] = MethodsJson(r.Methods, "gradient"),
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
            // What the claim was read as: the map applied to the direction, or the vec matrix (then "hessian"/"jacobian" is the derived vec matrix).
            json.Insert(3, "form", c.VecMatrix ? "vec" : "map");
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
