using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Rendering;

/// <summary>
/// How the entry terms of the index method for Jacobians and Hessians print: F_ij, dF_ij/dX_ab, d2f/dX_ij dX_ab,
/// (DF(X)[H])_ij and the vec matrix's entry [dvec(F)/dvec(X)']_(i + p(j - 1), a + n(b - 1)) — as text and as LaTeX (MathML
/// reads the LaTeX).
/// </summary>
internal static class IndexEntryPrinting
{
    private static string Sub(string body, IndexList idx, bool latex) =>
        idx.Count == 0 ? body : latex ? $"{body}_{{{idx.Joined}}}" : $"{body}_{idx.Joined}";

    public static string Text(EntryTerm e)
    {
        var x = e.Variable is null ? null : Sub(e.Variable.Name, e.At ?? IndexList.Empty, latex: false);
        return (e.Function, x) switch
        {
            (FunctionKind.Gradient, null) => Sub("(∇f)", e.Entry, latex: false),
            (FunctionKind.Gradient, _) => $"d2f/d{Sub(e.Variable!.Name, e.Entry, latex: false)} d{x}",
            (_, null) => Sub("F", e.Entry, latex: false),
            _ => $"d{Sub("F", e.Entry, latex: false)}/d{x}",
        };
    }

    public static string Latex(EntryTerm e)
    {
        var x = e.Variable is null ? null : Sub(LatexPrinter.Name(e.Variable.Name), e.At ?? IndexList.Empty, latex: true);
        return (e.Function, x) switch
        {
            (FunctionKind.Gradient, null) => Sub(@"(\nabla f)", e.Entry, latex: true),
            (FunctionKind.Gradient, _) => $@"\frac{{\partial^2 f}}{{\partial {Sub(LatexPrinter.Name(e.Variable!.Name), e.Entry, latex: true)}\, \partial {x}}}",
            (_, null) => Sub("F", e.Entry, latex: true),
            _ => $@"\frac{{\partial {Sub("F", e.Entry, latex: true)}}}{{\partial {x}}}",
        };
    }

    public static string Text(MapEntryTerm m) => Sub($"({TextPrinter.Print(m.Map)})", m.Entry, latex: false);

    public static string Latex(MapEntryTerm m) => Sub($@"\left({LatexPrinter.Print(m.Map)}\right)", m.Entry, latex: true);

    public static string Text(VecEntryTerm v) =>
        $"[{TextPrinter.Print(new VecDerivativeTerm(v.Variable, v.Order))}]_({v.Row}, {v.Col})";

    public static string Latex(VecEntryTerm v) =>
        $@"\left[{LatexPrinter.Print(new VecDerivativeTerm(v.Variable, v.Order))}\right]_{{{v.Row},\, {v.Col}}}";
}
