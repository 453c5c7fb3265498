using System.Text;

namespace NotebookCalc.Fuzz;

/// <summary>The kinds of input the fuzzer feeds the engine.</summary>
public enum InputKind { Valid, ValidFd, Mutation, TokenSoup, Unicode, DeepNesting, HugeNumber, Claim }

/// <summary>One fuzz input: the text of a function (and, for claims, the claim), with the variable to differentiate by.</summary>
public sealed record FuzzInput(int Index, InputKind Kind, string Text, string? Wrt, string? Claim = null);

/// <summary>Malformed and extreme inputs: token soup, mutations of valid functions, deep nesting, huge numbers, unicode.</summary>
public static class Inputs
{
    private static readonly string[] Pieces =
    [
        "X", "Y", "W", "V", "x", "y", "z", "s", "t", "A", "B", "C", "S", "P", "Q", "K", "Omega", "Ω", "σ", "λ₁", "ε", "I", "I_n",
        "I_3", "0", "1", "2.5", "1e-3", "1e400", "-1e308", "+", "-", "−", "*", "/", ".*", "./", ".^", "^", "^T", "^-1", "'", "ᵀ",
        "⁻¹", "²", "³", "⊙", "⊘", "⊗", "∘", "·", ":", ",", ";", "(", ")", "[", "]", "{", "}", "|", "||", "‖", "_F", "_2", "₂", "tr(",
        "trace(", "det(", "ln", "log", "log(", "logdet(", "exp(", "inv(", "kron(", "softmax(", "softmax_rows(", "diag(", "vec(",
        "norm(", "norm1(", "norm2(", "sum(", "sqrt(", "abs(", "sign(", "sigmoid(", "tanh(", "sin(", "cos(", "eye(n)", "eye(3)",
        "ones(n, m)", "ones(n)", "zeros(n, m)", "zeros(1)", "relu(", "foo(", "unvec(", "transpose(", "\\operatorname{tr}",
        "\\frac{", "\\top", "\\odot", "\\oslash", "\\otimes", "\\lVert", "\\rVert", "\\left(", "\\right)", "\\lambda_1", "\\foo",
        "\\mathrm{", "#", " ", "  ", "\n", "\t", "$", "@", "%", "&", "!", "?", "=", "<", ">", "\u0000", "\uD83D\uDE00", "é",
        "\u202E", "\uD800", "\uFEFF", "x_1", "W_2", "d", "dX", "H", "n", "m",
    ];

    private static readonly string[] Wrappers =
    [
        "tr({0})", "({0})", "-({0})", "({0})'", "inv({0})", "({0})^2", "exp({0})", "sum({0})", "({0}) + X", "X ({0})", "({0}) .* X",
        "log(1 + ({0}).^2)", "norm({0})", "kron({0}, I_3)", "vec({0})", "diag({0})", "{{{0}}}", "\\left({0}\\right)", "‖{0}‖_F",
    ];

    private static readonly string[] HugeExponents =
    [
        "1000000", "1e6", "2000", "1e308", "1e400", "-1e9", "9999999999999999999999", "0.5", "1/3", "(1/3)", "-0", "0", "1e-320",
        "NaN", "Infinity", "2.5e10", "-2", "-1", "7", "40", "64", "1e15", "(2/3)", "{-2/3}", "{1e6}",
    ];

    public static FuzzInput Make(int index, int seed, out Random random)
    {
        random = new Random(unchecked(seed * 1_000_003 + index));
        var r = random;
        var slot = index % 20;
        var gen = new FunctionGen(r);
        string Wrt() => FunctionGen.Variables[r.Next(FunctionGen.Variables.Length)];
        return slot switch
        {
            0 => new FuzzInput(index, InputKind.ValidFd, gen.Scalar(), null),
            <= 4 => new FuzzInput(index, InputKind.Valid, gen.Scalar(), null),
            <= 10 => new FuzzInput(index, InputKind.Mutation, Mutate(gen.Scalar(), r), Wrt()),
            <= 14 => new FuzzInput(index, InputKind.TokenSoup, Soup(r), Wrt()),
            <= 16 => new FuzzInput(index, InputKind.Unicode, RandomChars(r), Wrt()),
            17 => new FuzzInput(index, InputKind.DeepNesting, Deep(r), "X"),
            18 => new FuzzInput(index, InputKind.HugeNumber, Huge(r), Wrt()),
            _ => new FuzzInput(index, InputKind.Claim, gen.Scalar(), null, Claim(gen, r)),
        };
    }

    public static string Soup(Random r)
    {
        var sb = new StringBuilder();
        var n = r.Next(1, 16);
        for (var k = 0; k < n; k++) sb.Append(Pieces[r.Next(Pieces.Length)]).Append(r.Next(3) == 0 ? " " : "");
        return sb.ToString();
    }

    public static string RandomChars(Random r)
    {
        var chars = new char[r.Next(0, 40)];
        var wide = r.Next(2) == 0;
        for (var k = 0; k < chars.Length; k++) chars[k] = (char)r.Next(0, wide ? 0xFFFF : 128);
        return new string(chars);
    }

    /// <summary>1–4 edits of a valid function: delete, duplicate or swap a span, insert a piece, replace a character.</summary>
    public static string Mutate(string text, Random r)
    {
        var s = text;
        var edits = r.Next(1, 5);
        for (var e = 0; e < edits; e++)
        {
            var i = s.Length == 0 ? 0 : r.Next(s.Length);
            var len = s.Length == 0 ? 0 : r.Next(1, Math.Min(8, s.Length - i) + 1);
            s = r.Next(6) switch
            {
                0 => s.Remove(i, len),
                1 => s.Insert(i, s.Substring(i, len)),
                2 => s.Insert(i, Pieces[r.Next(Pieces.Length)]),
                3 => s.Length > 0 ? s.Remove(i, 1).Insert(i, Pieces[r.Next(Pieces.Length)]) : s,
                4 => s.Insert(i, ((char)r.Next(0x20, 0x2FFF)).ToString()),
                _ => Swap(s, r),
            };
        }
        return s;
    }

    private static string Swap(string s, Random r)
    {
        if (s.Length < 4) return s;
        var a = r.Next(s.Length - 1);
        var b = r.Next(a + 1, s.Length);
        var chars = s.ToCharArray();
        (chars[a], chars[b]) = (chars[b], chars[a]);
        return new string(chars);
    }

    /// <summary>Deeply nested valid and invalid input: up to 400 levels of wrappers that derive, up to 5,000 that only parse.</summary>
    public static string Deep(Random r)
    {
        var depth = r.Next(3) == 0 ? r.Next(1000, 5000) : r.Next(10, 400);
        var core = r.Next(3) switch { 0 => "X", 1 => "tr(X)", _ => "s" };
        var sb = new StringBuilder(core);
        var wrapper = r.Next(2) == 0 ? Wrappers[r.Next(Wrappers.Length)] : null;
        for (var d = 0; d < depth; d++)
            sb = new StringBuilder(string.Format(System.Globalization.CultureInfo.InvariantCulture, wrapper ?? Wrappers[r.Next(Wrappers.Length)], sb));
        var text = sb.ToString();
        return r.Next(4) == 0 ? text[..r.Next(text.Length)] : $"tr({text})".Replace("tr(tr(", "tr(");
    }

    public static string Huge(Random r)
    {
        var e = HugeExponents[r.Next(HugeExponents.Length)];
        return r.Next(10) switch
        {
            0 => $"tr(X^{e})",
            1 => $"s^{e}",
            2 => $"sum(X.^{e})",
            3 => $"norm(X)^{e}",
            4 => $"(s^2)^{e}",
            5 => $"tr(X)^{e} + {e}",
            6 => $"det(X^{e})",
            7 => $"{e} * tr(X) / {e}",
            8 => $"sum(exp({e} * X))",
            _ => $"tr(X X^{e} X)",
        };
    }

    /// <summary>A claim for a valid function: a generated matrix expression, a mutation of one, or soup.</summary>
    private static string Claim(FunctionGen gen, Random r) => r.Next(4) switch
    {
        0 => Soup(r),
        1 => Mutate("2 X' A + tr(X) I", r),
        2 => $"2 X + ({gen.Scalar()}) I",
        _ => Pick(r, "2 X", "X'", "inv(X)'", "A' X + X A", "ones(n, n)", "0", "I", "W", "2 W z z'", "kron(I_n, ones(1))", "unvec(x)"),
    };

    private static string Pick(Random r, params string[] items) => items[r.Next(items.Length)];
}
