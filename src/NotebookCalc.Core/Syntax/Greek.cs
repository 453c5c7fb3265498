namespace NotebookCalc.Syntax;

/// <summary>Greek letters: the Unicode spelling, the ASCII name used as the canonical symbol name, and LaTeX.</summary>
public static class Greek
{
    private static readonly (char Letter, string Name)[] Letters =
    [
        ('α', "alpha"), ('β', "beta"), ('γ', "gamma"), ('δ', "delta"), ('ε', "epsilon"), ('ζ', "zeta"), ('η', "eta"),
        ('θ', "theta"), ('ι', "iota"), ('κ', "kappa"), ('λ', "lambda"), ('μ', "mu"), ('ν', "nu"), ('ξ', "xi"),
        ('π', "pi"), ('ρ', "rho"), ('σ', "sigma"), ('τ', "tau"), ('υ', "upsilon"), ('φ', "phi"), ('χ', "chi"),
        ('ψ', "psi"), ('ω', "omega"), ('Γ', "Gamma"), ('Δ', "Delta"), ('Θ', "Theta"), ('Λ', "Lambda"), ('Ξ', "Xi"),
        ('Π', "Pi"), ('Σ', "Sigma"), ('Φ', "Phi"), ('Ψ', "Psi"), ('Ω', "Omega"), ('ϵ', "epsilon"), ('ϕ', "phi"),
    ];

    private static readonly Dictionary<char, string> ByLetter = Letters.ToDictionary(l => l.Letter, l => l.Name);
    private static readonly Dictionary<string, char> ByName =
        Letters.GroupBy(l => l.Name).ToDictionary(g => g.Key, g => g.First().Letter, StringComparer.Ordinal);

    public static bool TryGetName(char c, out string name) => ByLetter.TryGetValue(c, out name!);

    public static bool IsGreekName(string name) => ByName.ContainsKey(name);

    public static char Letter(string name) => ByName[name];

    /// <summary>Splits a symbol name into a Greek base and a numeric subscript, e.g. lambda1 → (lambda, 1).</summary>
    public static bool TrySplit(string name, out string greek, out string subscript)
    {
        var i = name.Length;
        while (i > 0 && char.IsAsciiDigit(name[i - 1])) i--;
        var head = name[..i].TrimEnd('_');
        greek = head;
        subscript = name[i..];
        return ByName.ContainsKey(head) && (i == name.Length || head.Length == i || head.Length == i - 1);
    }

    /// <summary>lambda_1 and lambda1 (and λ₁) name the same symbol: drop the underscore before a Greek subscript.</summary>
    public static string Normalize(string name) =>
        TrySplit(name, out var g, out var sub) && sub.Length > 0 ? g + sub : name;

    /// <summary>The LaTeX command for a Greek name (epsilon → \varepsilon, the textbook form).</summary>
    public static string LatexCommand(string name) => name switch
    {
        "epsilon" => "\\varepsilon",
        "phi" => "\\varphi",
        _ => "\\" + name,
    };
}
