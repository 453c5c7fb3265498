using NotebookCalc.Calculus;

namespace NotebookCalc.Notebook;

/// <summary>Where a verb or a parameter exists: in both front ends, only in `#!matcalc`, or only in the `matcalc` CLI.</summary>
public enum Surface
{
    Both,
    Notebook,
    CommandLine,
}

/// <summary>
/// A parameter of a verb. <paramref name="Implicit"/>: the positional value (an expression, a kind, files);
/// <paramref name="Values"/>: the only values allowed (the first is the default when <paramref name="Default"/> is null);
/// <paramref name="Integer"/>: a whole number; <paramref name="Flag"/>: an on/off switch without a value (CLI);
/// <paramref name="Many"/>: one or more positional values (CLI files).
/// </summary>
public sealed record ParameterInfo(
    string Name,
    string Description,
    bool Implicit = false,
    bool Required = false,
    IReadOnlyList<string>? Values = null,
    Surface Surface = Surface.Both,
    string? Default = null,
    bool Integer = false,
    bool Flag = false,
    bool Many = false,
    string? Alias = null);

/// <summary>A verb: `matcalc NAME …` and/or `#!matcalc NAME …`, with its parameters in both front ends.</summary>
public sealed record SubcommandInfo(string Name, string Description, IReadOnlyList<ParameterInfo> Parameters, Surface Surface = Surface.Both)
{
    /// <summary>This verb as one front end sees it: only the parameters that exist there.</summary>
    public SubcommandInfo On(Surface surface) =>
        this with { Parameters = Parameters.Where(p => p.Surface == Surface.Both || p.Surface == surface).ToList() };

    public bool IsOn(Surface surface) => Surface == Surface.Both || Surface == surface;
}

/// <summary>
/// The one table of verbs and parameters. The `#!matcalc` directive (its subcommands and their command types in the
/// kernel), the session's tokenizer and help, and the `matcalc` command line (its commands, arguments and options) are
/// all built from it, so the front ends cannot drift: a parameter added here appears in both unless it says otherwise.
/// </summary>
public static class Verbs
{
    /// <summary>The chart kinds of plot.</summary>
    public static readonly IReadOnlyList<string> PlotKinds = ["check", "line", "heatmap"];

    private static readonly ParameterInfo Expr = new("expr", "A matcalc expression in double quotes, e.g. \"tr(W inv(Omega) W')\".", Implicit: true, Required: true);
    private static readonly ParameterInfo Wrt = new("--wrt", "The variable to differentiate with respect to.", Required: true);
    private static readonly ParameterInfo Seed = new("--seed", "Seed of the random instances used by checks (default 1).", Default: "1", Integer: true);
    private static readonly ParameterInfo Dims = new("--dims", "Concrete sizes for checks, e.g. n=3,m=4.");
    private static readonly ParameterInfo Where = new("--where", "Declarations, e.g. \"W: n x m; Omega: m x m symmetric; s: scalar\" (in a notebook: for this cell only, on top of those made with let).", Alias: "-w");
    private static readonly ParameterInfo Claim = new("--claim", "The claimed gradient, in matcalc syntax.", Required: true);
    private static readonly ParameterInfo Method = new("--method", "all, gateaux, index or differential.", Values: ["all", .. MatCalc.MethodNames]);
    private static readonly ParameterInfo Derivative = new("--derivative", "gradient (default), hessian or jacobian: a Hessian or Jacobian claim is the map applied to the direction H, e.g. \"2 A' A H\".", Values: ["gradient", "hessian", "jacobian"]);
    private static readonly ParameterInfo Check = new("--check", "on (default) or off: the numerical check on random instances.", Values: ["on", "off"]);
    private static readonly ParameterInfo Answer = new("--answer", "shown (default) or hidden: hidden keeps the derived gradient out of the output, for exercise sheets.", Values: ["shown", "hidden"]);

    private static ParameterInfo Format(params string[] formats) =>
        new("--format", $"Output format: {string.Join(", ", formats)}.", Values: formats, Surface: Surface.CommandLine, Alias: "-f");

    /// <summary>Every verb of both front ends.</summary>
    public static IReadOnlyList<SubcommandInfo> All { get; } =
    [
        new("let", "Declare symbols for the rest of the notebook, e.g. \"W: n x m; Omega: m x m symmetric\".",
            [new("expr", "Declarations.", Implicit: true, Required: true)], Surface.Notebook),
        new("show", "Parse an expression, infer the shape of every symbol, and show it (text, LaTeX or JSON).",
            [Expr, Where, Format("text", "latex", "json")]),
        new("eval", "Evaluate an expression at values: --at a VALUES.json file ({\"W\": [[1,2],[3,4]], \"s\": 0.5, \"y\": [1,2]}), or in a notebook JSON text passed with @csharp:name.",
            [Expr, new("--at", "VALUES.json path (in a notebook also JSON text, or @csharp:name).", Required: true), Where, Format("text", "json")]),
        new("gradient", "Derive ∂f/∂X three ways side by side, one named rule per step, and check it numerically.",
            [Expr, Wrt, Where, Method, Check, Seed, Dims,
             new("--at", "VALUES.json: also evaluate the gradient there (the check runs at those sizes).", Surface: Surface.CommandLine),
             Format("text", "latex", "json", "html")]),
        new("hessian", "Derive the Hessian of a scalar function as a linear map H ↦ ∇²f[H] (differential and Gâteaux) and its vec (Kronecker) matrix, step by step, and check it numerically.",
            [Expr, Wrt, Where, new("--method", "all, gateaux or differential.", Values: ["all", .. HessianMethods.Names]), Check, Seed, Dims,
             new("--at", "VALUES.json: also evaluate the vec Hessian there ((entries of vec X) × (entries of vec X), column-major).", Surface: Surface.CommandLine),
             Format("text", "latex", "json", "html")]),
        new("jacobian", "Derive the Jacobian of a matrix- or vector-valued function as a linear map H ↦ DF(X)[H] (differential and Gâteaux) and its vec (Kronecker) matrix, and check it numerically.",
            [Expr, Wrt, Where, new("--method", "all, gateaux or differential.", Values: ["all", .. JacobianMethods.Names]), Check, Seed, Dims,
             new("--at", "VALUES.json: also evaluate the vec Jacobian there ((entries of vec F) × (entries of vec X), column-major).", Surface: Surface.CommandLine),
             Format("text", "latex", "json", "html")]),
        new("check", "Say whether a claimed gradient (or, with --derivative, a claimed Hessian or Jacobian map of H) is right; when it is not, show a counterexample.",
            [Expr, Wrt, Claim, Where, Seed, Dims, Answer, Derivative, Format("text", "json", "html")]),
        new("plot", "Chart a gradient check: #!matcalc plot check|line|heatmap \"f\" --wrt X. check: error vs step h; line: f along a direction with its tangent; heatmap: symbolic vs finite-difference gradient.",
            [new("kind", "check, line or heatmap.", Implicit: true, Required: true, Values: PlotKinds), new("--expr", "The function to chart (also accepted as the word after the kind).", Required: true), Wrt, Where, Seed, Dims],
            Surface.Notebook),
        new("render", "Execute the cells of notebooks (#!matcalc and C#) and write static HTML pages.",
            [new("NOTEBOOK", "Polyglot/Jupyter notebooks (.ipynb).", Implicit: true, Required: true, Many: true),
             new("--out", "Directory for the HTML pages.", Required: true),
             new("--in-place", "Also write the executed outputs back into each .ipynb (so viewers that do not run code show them).", Flag: true)],
            Surface.CommandLine),
        new("grade", "Grade the exercise answers in student notebooks against a key.",
            [new("SUBMISSION", "Student notebooks (.ipynb), or glob patterns.", Implicit: true, Required: true, Many: true),
             new("--key", "KEY.json: {\"exercises\": [{\"id\", \"function\", \"wrt\", \"where\", \"start\", \"derivative\"}]} (derivative: gradient, the default, hessian or jacobian).", Required: true),
             Format("text", "json", "csv")],
            Surface.CommandLine),
        new("help", "What #!matcalc can do.", [], Surface.Notebook),
    ];

    /// <summary>The subcommands of `#!matcalc`, each with the parameters it has in a notebook.</summary>
    public static IReadOnlyList<SubcommandInfo> Notebook { get; } = All.Where(v => v.IsOn(Surface.Notebook)).Select(v => v.On(Surface.Notebook)).ToList();

    /// <summary>The commands of `matcalc`, each with the parameters it has on the command line.</summary>
    public static IReadOnlyList<SubcommandInfo> CommandLine { get; } = All.Where(v => v.IsOn(Surface.CommandLine)).Select(v => v.On(Surface.CommandLine)).ToList();
}
