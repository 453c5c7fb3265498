using System.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

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

    public static string HessianMethodTitle(string method) => method switch
    {
        "differential" => "Differential of the gradient",
        "gateaux" => "Gâteaux derivative of the gradient",
        "index" => "Index notation: the gradient differentiated entry by entry",
        _ => method,
    };

    /// <summary>Each method under its title: its steps with their rules, or why it does not apply.</summary>
    private static void AppendSteps(StringBuilder sb, IReadOnlyList<Derivation> methods, Func<string, string> title)
    {
        foreach (var m in methods)
        {
            sb.AppendLine().Append(title(m.Method)).AppendLine(":");
            if (!m.Succeeded)
            {
                sb.Append("  not applicable: ").AppendLine(m.Unsupported);
                continue;
            }
            foreach (var step in m.Steps) sb.Append("  ").Append(step.Text).Append("    [").Append(step.Rule).AppendLine("]");
        }
    }

    public static string Text(HessianResult r)
    {
        var sb = new StringBuilder();
        sb.Append("f = ").AppendLine(r.Function.Text);
        foreach (var s in r.Function.Symbols) sb.Append("  ").Append(s.Name).Append(": ").AppendLine(s.Shape.ToString());
        sb.Append("direction: ").Append(r.Direction.Name).Append(": ").AppendLine(r.Direction.Shape.ToString());
        AppendSteps(sb, r.Methods, HessianMethodTitle);
        sb.AppendLine().Append($"∇²f[{r.Direction.Name}] = ").AppendLine(TextPrinter.Print(r.Map));
        if (r.VecForm is not null) sb.Append($"vec Hessian d2f/dvec({r.Variable.Name}) dvec({r.Variable.Name})' = ").AppendLine(TextPrinter.Print(r.VecForm));
        else sb.Append("vec Hessian: no Kronecker form (").Append(r.VecUnsupported).AppendLine("); its value is given with --at");
        sb.Append("layout: ").AppendLine(HessianResult.Layout);
        if (r.Convention is not null) sb.Append("convention: ").AppendLine(r.Convention);
        if (r.Methods.Count(m => m.Succeeded) > 1)
            sb.Append("methods agree: ").AppendLine(r.Agree ? $"yes ({r.AgreementBasis})" : "NO");
        if (r.Check is not null) sb.Append("check: ").AppendLine(r.Check.Summary);
        return sb.ToString().TrimEnd('\n', '\r');
    }

    public static string JacobianMethodTitle(string method) => method switch
    {
        "differential" => "Differential dF",
        "gateaux" => "Gâteaux (directional) derivative of F",
        "index" => "Index notation: F differentiated entry by entry",
        _ => method,
    };

    public static string Text(JacobianResult r)
    {
        var sb = new StringBuilder();
        sb.Append("F = ").Append(r.Function.Text).Append("  (").Append(r.Function.Shape.ToString()).AppendLine(")");
        foreach (var s in r.Function.Symbols) sb.Append("  ").Append(s.Name).Append(": ").AppendLine(s.Shape.ToString());
        sb.Append("direction: ").Append(r.Direction.Name).Append(": ").AppendLine(r.Direction.Shape.ToString());
        AppendSteps(sb, r.Methods, JacobianMethodTitle);
        sb.AppendLine().Append($"DF({r.Variable.Name})[{r.Direction.Name}] = ").AppendLine(TextPrinter.Print(r.Map));
        if (r.VecForm is not null) sb.Append($"vec Jacobian dvec(F)/dvec({r.Variable.Name})' = ").AppendLine(TextPrinter.Print(r.VecForm));
        else sb.Append("vec Jacobian: no Kronecker form (").Append(r.VecUnsupported).AppendLine("); its value is given with --at");
        sb.Append("layout: ").AppendLine(JacobianResult.Layout);
        if (r.Methods.Count(m => m.Succeeded) > 1)
            sb.Append("methods agree: ").AppendLine(r.Agree ? $"yes ({r.AgreementBasis})" : "NO");
        if (r.Check is not null) sb.Append("check: ").AppendLine(r.Check.Summary);
        return sb.ToString().TrimEnd('\n', '\r');
    }

    public static string Latex(HessianResult r) => Latex(r.Methods, HessianMethodTitle);

    public static string Latex(JacobianResult r) => Latex(r.Methods, JacobianMethodTitle);

    private static string Latex(IReadOnlyList<Derivation> methods, Func<string, string> title)
    {
        var sb = new StringBuilder();
        foreach (var m in methods.Where(m => m.Succeeded))
        {
            sb.Append("% ").AppendLine(title(m.Method));
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
        // With the answer hidden the basis line is left out: its relative errors have more digits than a sheet may show.
        if (showAnswer && c.Basis is { Instances.Count: > 0 } basis) sb.Append("basis: ").AppendLine(basis.Summary);
        if (showAnswer) sb.Append($"{c.Label(variable)} = ").AppendLine(TextPrinter.Print(c.Gradient));
        if (c.Counterexample is not null)
            sb.AppendLine(showAnswer ? MatCalc.Describe(c.Counterexample, variable, c.Label(variable)) : HiddenCounterexample(c.Counterexample, variable, c.Label(variable)));
        foreach (var d in c.ClaimDiagnostics) sb.Append("  ").AppendLine(d.Message + (d.Hint is null || !showAnswer ? "" : $" ({d.Hint})"));
        foreach (var h in c.Hints) sb.Append("hint: ").AppendLine(showAnswer ? h : HiddenHint(h));
        return sb.ToString().TrimEnd('\n', '\r');
    }

    /// <summary>
    /// A hint as an exercise sheet shows it: its first line only (a hint may go on with a counterexample of its own, whose
    /// numbers would give the derived gradient away).
    /// </summary>
    public static string HiddenHint(string hint) => hint.IndexOf('\n') is var cut and >= 0 ? hint[..cut] : hint;

    /// <summary>
    /// A relative error to one significant digit (0.6, 0.03, 2e-5): enough to say how far off a claim is, too little to
    /// solve for the derived gradient from it and the claim.
    /// </summary>
    public static string Rough(double r)
    {
        if (!double.IsFinite(r) || r <= 0) return "0";
        var rounded = double.Parse(r.ToString("G1", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
        return rounded >= 1e-3
            ? rounded.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)
            : rounded.ToString("0e0", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The entries that differ, 1-based, in row-major order: (1,2), (2,1).</summary>
    public static string Positions(Counterexample c) => string.Join(", ", c.Differing.Select(d => $"({d.Row + 1},{d.Col + 1})"));

    /// <summary>
    /// The counterexample of an exercise sheet (--answer hidden): the instance, the claim's value there, which entries
    /// differ and the overall relative error to one digit — never a value of the derived gradient, nor a difference per
    /// entry (with the claim's value, either would give the answer).
    /// </summary>
    public static string HiddenCounterexample(Counterexample c, string variable, string? label = null)
    {
        label ??= $"∂f/∂{variable}";
        var sb = new StringBuilder();
        sb.Append($"Counterexample (seed {c.Seed}; {string.Join(", ", c.Sizes.Select(p => $"{p.Key}={p.Value}"))}):");
        void Matrix(string name, MathNet.Numerics.LinearAlgebra.Matrix<double> value)
        {
            if (value.RowCount > 6 || value.ColumnCount > 6) { sb.Append($"\n  {name} = ({value.RowCount}×{value.ColumnCount} matrix; see --format json)"); return; }
            var text = MatrixText.Format(value, 4).Split('\n');
            sb.Append($"\n  {name} = ").Append(text[0]);
            foreach (var line in text.Skip(1)) sb.Append("\n  ").Append(new string(' ', name.Length + 3)).Append(line);
        }
        foreach (var (name, value) in c.Values.OrderBy(p => p.Key, StringComparer.Ordinal)) Matrix(name, value);
        Matrix("claim", c.Claimed);
        sb.Append($"\n  the claim differs from {label} in {c.Differing.Count} of {c.Claimed.RowCount * c.Claimed.ColumnCount} entries: {Positions(c)}");
        sb.Append($"\n  relative error ‖claim − {label}‖ / max(‖{label}‖, ‖claim‖) ≈ {Rough(c.RelativeError)} (the derived values stay hidden)");
        return sb.ToString();
    }
}
