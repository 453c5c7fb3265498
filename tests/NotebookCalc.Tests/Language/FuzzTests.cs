using System.Text;
using NotebookCalc.Tests.Cli;
using NotebookCalc.Text;

namespace NotebookCalc.Tests.Language;

/// <summary>
/// Thousands of random and malformed inputs: every one ends in a result or a diagnostic. A crash (any exception
/// other than <see cref="MatcalcException"/>), a hang or a stack overflow fails the run.
/// </summary>
public class FuzzTests
{
    private const string Where = "A: n x n; B: n x n; W: n x m; Omega: m x m symmetric; x: n; s: scalar; F: n x m function of W";

    private static readonly string[] Pieces =
    [
        "A", "B", "W", "Omega", "Ω", "x", "s", "σ", "λ₁", "I", "I_n", "0", "1", "2.5", "1e-3", "1e400", "F(W)", "+", "-", "−", "*", "/",
        ".*", "./", ".^", "^", "^T", "^-1", "'", "ᵀ", "⁻¹", "²", "⊙", "⊘", "⊗", "∘", ":", ",", "(", ")", "[", "]", "{", "}", "|", "||",
        "‖", "_F", "_2", "₂", "tr(", "det(", "ln", "log", "logdet(", "exp(", "inv(", "kron(", "softmax(", "diag(", "vec(", "norm(",
        "sum(", "eye(n)", "zeros(n, m)", "\\operatorname{tr}", "\\frac{", "\\top", "\\odot", "\\lVert", "\\rVert", "\\left(",
        "\\right)", "\\foo", "#", " ", "  ", "\n", "$", "@", "\u0000", "\uD83D\uDE00", "é", "\u202E", "\uD800",
    ];

    private static void MustNotCrash(string input)
    {
        try
        {
            var e = MatCalc.Parse(input, Where);
            _ = e.Text;
            _ = e.Latex;
            // Whatever parsed must print back to something that parses to the same tree.
            Assert.Equal(e.Expr, MatCalc.Parse(e.Text, Where).Expr);
        }
        catch (MatcalcException ex)
        {
            Assert.NotEmpty(ex.Diagnostics);
            foreach (var d in ex.Diagnostics)
            {
                Assert.False(string.IsNullOrWhiteSpace(d.Message));
                Assert.InRange(d.Span.Start, 0, Math.Max(ex.Source.Length, 0));
                _ = DiagnosticFormatter.Format(ex.Source, d);
            }
        }
    }

    [Fact]
    public void Random_token_soup_never_crashes()
    {
        var random = new Random(20261124);
        var parsed = 0;
        for (var i = 0; i < 6000; i++)
        {
            var sb = new StringBuilder();
            var n = random.Next(1, 14);
            for (var k = 0; k < n; k++) sb.Append(Pieces[random.Next(Pieces.Length)]).Append(random.Next(3) == 0 ? " " : "");
            var input = sb.ToString();
            MustNotCrash(input);
            try { MatCalc.Parse(input, Where); parsed++; } catch (MatcalcException) { }
        }
        // The generator must also produce valid expressions, or the round-trip half of the test means nothing.
        Assert.True(parsed > 100, $"only {parsed} inputs parsed");
    }

    [Fact]
    public void Random_unicode_and_bytes_never_crash()
    {
        var random = new Random(7);
        for (var i = 0; i < 3000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var k = 0; k < chars.Length; k++) chars[k] = (char)random.Next(0, i % 2 == 0 ? 128 : 0xFFFF);
            MustNotCrash(new string(chars));
        }
    }

    [Fact]
    public void Pathological_inputs_end_in_diagnostics()
    {
        string[] inputs =
        [
            new string('(', 10_000), new string(')', 10_000), new string('(', 10_000) + "A" + new string(')', 10_000),
            string.Concat(Enumerable.Repeat("tr(", 3000)) + "A" + new string(')', 3000), new string('-', 19_000) + "A",
            "A" + string.Concat(Enumerable.Repeat("^T", 5000)), string.Concat(Enumerable.Repeat("ln ", 5000)) + "A",
            string.Join("", Enumerable.Repeat("‖", 5000)), "9" + new string('9', 400), "1e99999", new string('|', 9999),
            string.Concat(Enumerable.Repeat("\\frac{", 4000)), "A^" + new string('9', 400), "A.^1e999", new string('A', 19_999),
            "zeros(999999999, 2)", "eye(0)", "A^{∘", "‖A‖_", "|A|_", "\\operatorname{", "\\operatorname{}", "A^{-", "A^(T",
        ];
        foreach (var input in inputs) MustNotCrash(input);
    }

    [Fact]
    public void Cli_never_prints_a_stack_trace_on_garbage()
    {
        var random = new Random(99);
        for (var i = 0; i < 300; i++)
        {
            var sb = new StringBuilder();
            for (var k = 0; k < random.Next(1, 10); k++) sb.Append(Pieces[random.Next(Pieces.Length)]);
            var (code, _, err) = CliTests.Run("show", sb.ToString(), "--where", Where, "--format", i % 2 == 0 ? "json" : "text");
            Assert.True(code is 0 or 2, $"exit {code} for {sb}");
            Assert.DoesNotContain("   at ", err);
            Assert.DoesNotContain("MC9999", err);
        }
    }
}
