using System.Text;
using NotebookCalc.Calculus;

namespace NotebookCalc.Rendering;

/// <summary>Plain-text and LaTeX renderings of gradient results and claim reports (shared by the CLI and formatters).</summary>
public static class DerivationFormat
{
    public static string MethodTitle(string method) => method switch
    {
        "differential" => "Frobenius-product differential",
        "gateaux" => "Gâteaux (directional) derivative",
        "index" => "Index notation",
        _ => method,
    };

    public static string Text(GradientResult r)
    {
        var sb = new StringBuilder();
        sb.Append("f = ").AppendLine(r.Function.Text);
        foreach (var s in r.Function.Symbols) sb.Append("  ").Append(s.Name).Append(": ").AppendLine(s.Shape.ToString());
        foreach (var m in r.Methods)
        {
            sb.AppendLine().Append(MethodTitle(m.Method)).AppendLine(":");
            if (!m.Succeeded)
            {
                sb.Append("  not applicable: ").AppendLine(m.Unsupported);
                continue;
            }
            foreach (var step in m.Steps) sb.Append("  ").Append(step.Text).Append("    [").Append(step.Rule).AppendLine("]");
        }
        sb.AppendLine().Append($"∂f/∂{r.Variable.Name} = ").AppendLine(TextPrinter.Print(r.Gradient));
        if (r.Convention is not null) sb.Append("convention: ").AppendLine(r.Convention);
        if (r.Methods.Count(m => m.Succeeded) > 1)
            sb.Append("methods agree: ").AppendLine(r.Agree ? $"yes ({r.AgreementBasis})" : "NO");
        if (r.Check is not null) sb.Append("check: ").AppendLine(r.Check.Summary);
        return sb.ToString().TrimEnd('\n', '\r');
    }

    public static string Latex(GradientResult r)
    {
        var sb = new StringBuilder();
        foreach (var m in r.Methods.Where(m => m.Succeeded))
        {
            sb.Append("% ").AppendLine(MethodTitle(m.Method));
            sb.AppendLine("\\begin{align*}");
            for (var i = 0; i < m.Steps.Count; i++)
            {
                var step = m.Steps[i];
                sb.Append(step.LhsLatex).Append(" &= ").Append(step.RightLatex)
                  .Append(" && \\text{").Append(EscapeText(step.Rule)).Append('}');
                sb.AppendLine(i < m.Steps.Count - 1 ? " \\\\" : "");
            }
            sb.AppendLine("\\end{align*}");
        }
        return sb.ToString().TrimEnd('\n', '\r');
    }

    /// <summary>Each derivation's align* block alone (for validation and for display engines).</summary>
    public static IEnumerable<string> LatexBlocks(GradientResult r) =>
        Latex(r).Split("\\end{align*}", StringSplitOptions.RemoveEmptyEntries)
            .Select(b => b.Trim()).Where(b => b.Contains("\\begin{align*}"))
            .Select(b => b[b.IndexOf("\\begin{align*}", StringComparison.Ordinal)..] + "\n\\end{align*}");

    public static string EscapeText(string s) => s.Replace("\\", "\\textbackslash{}").Replace("_", "\\_").Replace("&", "\\&")
        .Replace("%", "\\%").Replace("#", "\\#").Replace("$", "\\$").Replace("{", "\\{").Replace("}", "\\}");

    public static string Text(ClaimReport c, string variable, bool showAnswer = true)
    {
        var sb = new StringBuilder();
        sb.Append("claim: ").AppendLine(c.Claim is null ? "(not well-shaped)" : TextPrinter.Print(c.Claim));
        sb.Append("verdict: ").AppendLine(c.Verdict);
        if (c.Basis is { Instances.Count: > 0 } basis) sb.Append("basis: ").AppendLine(basis.Summary);
        if (showAnswer) sb.Append($"∂f/∂{variable} = ").AppendLine(TextPrinter.Print(c.Gradient));
        if (c.Counterexample is not null) sb.AppendLine(MatrixCalculus.Describe(c.Counterexample, variable));
        foreach (var d in c.ClaimDiagnostics) sb.Append("  ").AppendLine(d.Message + (d.Hint is null || !showAnswer ? "" : $" ({d.Hint})"));
        foreach (var h in c.Hints) sb.Append("hint: ").AppendLine(h);
        return sb.ToString().TrimEnd('\n', '\r');
    }
}
