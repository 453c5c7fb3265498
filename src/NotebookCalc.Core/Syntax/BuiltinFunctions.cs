namespace NotebookCalc.Syntax;

/// <summary>
/// A built-in function of the matcalc language (LANGUAGE.md §1): its name and other spellings, how many arguments it
/// takes, the shape rule, the derivative rule that differentiates it (a name in <c>Rewriting.Rules</c>), and how each
/// printer spells it.
/// </summary>
/// <param name="Aliases">Other spellings that read as this function (`trace`, `Tr` for `tr`; `ln` for `log`).</param>
/// <param name="Usage">How a call is written, for messages: `tr(A)`, `zeros(n, m)`.</param>
/// <param name="ShapeRule">The argument shapes it takes and the shape it gives.</param>
/// <param name="DerivativeRule">The rule of the differential method that differentiates a call.</param>
/// <param name="Latex">The LaTeX operator (`\operatorname{tr}`), followed by the bracketed argument.</param>
/// <param name="MathMl">The MathML of the operator name, followed by the bracketed argument.</param>
/// <param name="TakesDimensions">The arguments are sizes (`eye(n)`, `zeros(n, m)`), not expressions.</param>
public sealed record BuiltinFunction(
    string Name, string[] Aliases, int MinArgs, int MaxArgs, string Usage, string ShapeRule, string DerivativeRule,
    string Latex, string MathMl, bool TakesDimensions = false)
{
    /// <summary>The text spelling: what <c>TextPrinter</c> writes, and what parses back.</summary>
    public string Text => Name;

    public IEnumerable<string> Spellings => Aliases.Prepend(Name);

    public string Arity => MinArgs == MaxArgs
        ? $"{MinArgs} argument{(MinArgs == 1 ? "" : "s")}"
        : $"{MinArgs} or {MaxArgs} arguments";
}

/// <summary>
/// The one table of built-in functions. The parser recognises calls by it, the binder checks arity and suggests names
/// from it, and the text, LaTeX and MathML printers take their spellings from it.
/// </summary>
public static class BuiltinFunctions
{
    private static BuiltinFunction F(string name, string usage, string shape, string rule, string latex, string? mathMl = null, string[]? aliases = null, int args = 1) =>
        new(name, aliases ?? [], args, args, usage, shape, rule, latex, mathMl ?? $"<mi>{name}</mi>");

    private static BuiltinFunction Entrywise(string name, string latex, string[]? aliases = null) =>
        F(name, $"{name}(A)", "any A → the shape of A, entry by entry", "d_elementwise", latex, aliases: aliases);

    public static readonly BuiltinFunction Trace = F("tr", "tr(A)", "square n×n → scalar", "d_trace", @"\operatorname{tr}", aliases: ["trace", "Tr"]);
    public static readonly BuiltinFunction Det = F("det", "det(A)", "square n×n → scalar", "d_det", @"\det");
    public static readonly BuiltinFunction LogDet = F("logdet", "logdet(A)", "square n×n → scalar", "d_logdet", @"\ln\det", "<mrow><mi>ln</mi><mo>&#x2061;</mo><mspace width=\"0.1667em\"/><mi>det</mi></mrow>");
    public static readonly BuiltinFunction Log = F("log", "log(A)", "any A → the shape of A, entry by entry; log(det(A)) is logdet(A)", "d_elementwise", @"\log", aliases: ["ln"]);
    public static readonly BuiltinFunction Exp = Entrywise("exp", @"\exp");
    public static readonly BuiltinFunction Sqrt = Entrywise("sqrt", @"\sqrt");
    public static readonly BuiltinFunction Tanh = Entrywise("tanh", @"\tanh");
    public static readonly BuiltinFunction Sigmoid = Entrywise("sigmoid", @"\operatorname{sigmoid}");
    public static readonly BuiltinFunction Abs = Entrywise("abs", @"\operatorname{abs}");
    public static readonly BuiltinFunction Sign = Entrywise("sign", @"\operatorname{sign}");
    public static readonly BuiltinFunction Sin = Entrywise("sin", @"\sin");
    public static readonly BuiltinFunction Cos = Entrywise("cos", @"\cos");
    public static readonly BuiltinFunction Softmax = F("softmax", "softmax(X)", "n×m → n×m (each column)", "d_softmax", @"\operatorname{softmax}");
    public static readonly BuiltinFunction SoftmaxRows = F("softmax_rows", "softmax_rows(X)", "n×m → n×m (each row)", "d_softmax",
        @"\operatorname{softmax}_{\text{rows}}", "<msub><mi>softmax</mi><mtext>rows</mtext></msub>");
    public static readonly BuiltinFunction Sum = F("sum", "sum(A)", "any A → scalar (the sum of its entries)", "d_sum_entries", @"\operatorname{sum}");
    public static readonly BuiltinFunction Diag = F("diag", "diag(x) or diag(A)", "vector n → n×n diagonal matrix; square n×n → vector n", "d_diag", @"\operatorname{diag}");
    public static readonly BuiltinFunction Vec = F("vec", "vec(A)", "n×m → column of mn", "d_vec", @"\operatorname{vec}");
    public static readonly BuiltinFunction Norm = F("norm", "norm(A)", "any A → scalar (Frobenius norm; 2-norm of a vector)", "d_norm", @"\lVert\cdot\rVert_F", aliases: ["norm2"]);
    public static readonly BuiltinFunction Norm1 = F("norm1", "norm1(A)", "any A → scalar (sum of absolute entries)", "d_norm1", @"\lVert\cdot\rVert_1");
    public static readonly BuiltinFunction Inv = F("inv", "inv(A)", "square n×n → n×n", "d_inv", "^{-1}", "<mo>−1</mo>");
    public static readonly BuiltinFunction Transpose = F("transpose", "transpose(A)", "n×m → m×n", "d_transpose", @"^\top", "<mo>⊤</mo>");
    public static readonly BuiltinFunction Kron = F("kron", "kron(A, B)", "n×m, p×q → np×mq", "d_kron", @"\otimes", "<mo>⊗</mo>", args: 2);
    public static readonly BuiltinFunction PowerSum = F("powersum", "powersum(B, C, k)",
        "square B n×n, C n×n, a whole number k ≥ 1 → n×n: Σ_{i=0}^{k−1} Bⁱ C B^{k−1−i} (the differential of Bᵏ, as gradients of powers are written)",
        "d_power", @"\sum", "<mo>∑</mo>", args: 3);
    public static readonly BuiltinFunction Commutation = F("commutation", "commutation(m, n) or K_(m, n)",
        "dimensions m, n → mn×mn commutation matrix: K_(m,n) vec(A) = vec(Aᵀ) for an m×n A (how vec Hessians and Jacobians print Hᵀ)",
        "d_const", "K", "<mi>K</mi>", args: 2) with { TakesDimensions = true };
    public static readonly BuiltinFunction Eye = F("eye", "eye(n)", "dimension n → n×n identity", "d_const", "I", "<mi>I</mi>") with { TakesDimensions = true };
    public static readonly BuiltinFunction Zeros = F("zeros", "zeros(n, m)", "dimensions n, m → n×m zeros; zeros(n) is a column", "d_const", "0", "<mn>0</mn>") with { MinArgs = 1, MaxArgs = 2, TakesDimensions = true };
    public static readonly BuiltinFunction Ones = F("ones", "ones(n, m)", "dimensions n, m → n×m ones; ones(n) is a column", "d_const", @"\mathbf{1}", "<mn mathvariant=\"bold\">1</mn>") with { MinArgs = 1, MaxArgs = 2, TakesDimensions = true };

    /// <summary>Every built-in function, in the order of LANGUAGE.md §1.</summary>
    public static IReadOnlyList<BuiltinFunction> All { get; } =
    [
        Trace, Det, LogDet, Log, Exp, Sqrt, Tanh, Sigmoid, Abs, Sign, Sin, Cos, Softmax, SoftmaxRows, Sum, Diag, Vec, Norm, Norm1,
        Inv, Transpose, Kron, PowerSum, Commutation, Eye, Zeros, Ones,
    ];

    private static readonly Dictionary<string, BuiltinFunction> BySpelling =
        All.SelectMany(f => f.Spellings.Select(s => KeyValuePair.Create(s, f))).ToDictionary(StringComparer.Ordinal);

    /// <summary>Every spelling that reads as a built-in function (names and aliases).</summary>
    public static IReadOnlySet<string> Spellings { get; } = new HashSet<string>(BySpelling.Keys, StringComparer.Ordinal);

    public static bool TryGet(string spelling, out BuiltinFunction function) => BySpelling.TryGetValue(spelling, out function!);

    /// <summary>The names, for a message that lists them: "tr, det, logdet, …".</summary>
    public static string List => string.Join(", ", All.Select(f => f.Name));
}
