using System.Globalization;
using System.Text;
using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Rendering;

/// <summary>Derivation steps written by the printers: <c>step.Text</c>, <c>step.Latex</c> and their sides.</summary>
public static class StepFormat
{
    extension(DerivationStep step)
    {
        /// <summary>The left-hand side in LaTeX.</summary>
        public string LhsLatex => LatexPrinter.Print(step.Lhs);

        /// <summary>The left-hand side as plain text.</summary>
        public string LhsText => TextPrinter.Print(step.Lhs);

        /// <summary>The right-hand side in LaTeX.</summary>
        public string RightLatex => LatexPrinter.Print(step.Rhs);

        /// <summary>The right-hand side as plain text.</summary>
        public string RightText => TextPrinter.Print(step.Rhs);

        public string Latex => $"{LatexPrinter.Print(step.Lhs)} = {LatexPrinter.Print(step.Rhs)}";

        public string Text => $"{TextPrinter.Print(step.Lhs)} = {TextPrinter.Print(step.Rhs)}";
    }
}

/// <summary>How one notation writes the parts of an index-notation sum (LaTeX, plain text, MathML).</summary>
internal sealed record IndexNotation(
    string Zero, string Plus, string Minus, Func<string, string> Sum, Func<double, string> Number, Func<Expr, string> Scalar,
    Func<string, string> Delta, Func<IndexFactor, string> Atom, Func<string, string, string> Subscript, string Separator,
    Func<string, int, string> Range, Func<string, bool, long, string> Fraction)
{
    /// <summary>Products written out: ±, Σ over the summed indices, coefficient, scalar factors, entries with their indices, δs.</summary>
    public string Write(IndexSumTerm sum)
    {
        var terms = sum.Products;
        if (terms.Count == 0) return Zero;
        var sb = new StringBuilder();
        for (var k = 0; k < terms.Count; k++)
        {
            var t = terms[k];
            if (k > 0) sb.Append(t.Coefficient < 0 ? Minus : Plus);
            else if (t.Coefficient < 0) sb.Append(Minus.Trim());
            var abs = Math.Abs(t.Coefficient);
            if (t.Range is { } range) sb.Append(Range(range.Index, range.Last));
            if (t.Summed.Count > 0) sb.Append(Sum(string.Join("", t.Summed.Distinct())));
            var parts = new List<string>();
            if (Rational.IsFraction(abs, out var p, out var q) && q <= 16)
            {
                // A fractional coefficient is written as the other methods write it: λ₁/2, not 0.5 λ₁.
                var numerator = (p == 1 && t.Scalars.Count > 0 ? [] : new List<string> { Number(p) }).Concat(t.Scalars.Select(Scalar)).ToList();
                parts.Add(Fraction(string.Join(Separator, numerator), numerator.Count > 1, q));
            }
            else
            {
                if (abs != 1 || (t.Scalars.Count == 0 && t.Factors.Count == 0)) parts.Add(Number(abs));
                parts.AddRange(t.Scalars.Select(Scalar));
            }
            foreach (var f in t.Factors)
            {
                var idx = f.Indices.Joined;
                parts.Add(f is DeltaFactor ? Delta(idx) : idx.Length == 0 ? Atom(f) : Subscript(Atom(f), idx));
            }
            sb.Append(string.Join(Separator, parts));
        }
        return sb.ToString();
    }

    /// <summary>Scalar factors that print as one unit (a symbol, a number, a function call) need no brackets.</summary>
    public static bool SelfDelimiting(Expr e) => e is Symbol or Expressions.Number or Trace or Det or LogDet or Norm or Power;

    /// <summary>The exponent of a power factor: t, or k−1−t.</summary>
    public static string Exponent(PowerFactor p) => p.Left ? p.Index : $"{p.K - 1}-{p.Index}";
}

public static partial class TextPrinter
{
    private static readonly IndexNotation TextIndex = new(
        "0", " + ", " - ", idx => $"Σ_{idx} ", v => v.ToString("G6", CultureInfo.InvariantCulture),
        s => s is Symbol ? Print(s) : $"({Print(s)})",
        idx => $"δ_{idx}",
        a => a switch
        {
            PowerFactor p => $"({(p.Base is Symbol ? Print(p.Base) : $"({Print(p.Base)})")}^{(p.Left ? p.Index : $"({IndexNotation.Exponent(p)})")})",
            EntryFactor { Matrix: Symbol s } => Print(s),
            EntryFactor e => $"({Print(e.Matrix)})",
            _ => throw new ArgumentOutOfRangeException(nameof(a)),
        },
        (body, idx) => $"{body}_{idx}", " ", (t, last) => $"Σ_{{{t}=0}}^{{{last}}} ",
        (num, several, q) => several ? $"({num}) / {q}" : $"{num} / {q}");

    private static string Function(FunctionKind k) => k switch { FunctionKind.Scalar => "f", FunctionKind.Matrix => "F", _ => "∇f" };

    /// <summary>A step term as plain text: f(W + ε H), df/dW_ij, Σ_ij A_ij δ_ia, Df(W)[E_ij] = tr((G)' E_ij) = (G)_ij.</summary>
    public static string Print(StepTerm term) => term switch
    {
        ExprTerm e => Print(e.Expr),
        FunctionTerm f => Function(f.Kind),
        ApplyTerm a => a.Direction is null ? $"{Function(a.Function.Kind)}({a.At.Name})" : $"{Function(a.Function.Kind)}({a.At.Name} + ε {a.Direction.Name})",
        DifferentialTerm { Of: FunctionTerm { Kind: not FunctionKind.Gradient } f } => $"d{Function(f.Kind)}",
        DifferentialTerm d => $"d({Print(d.Of)})",
        DifferenceQuotientTerm q => $"({Print(new ApplyTerm(q.Function, q.At, q.Direction))} - {Print(new ApplyTerm(q.Function, q.At))})/ε",
        DirectionTerm d => $"D{Function(d.Function.Kind)}({d.At.Name})[{d.Direction.Name}]",
        HessianMapTerm h => $"∇²f[{h.Direction.Name}]",
        PartialTerm p => p.Indices.Count == 0 ? $"df/d{p.Variable.Name}" : $"df/d{p.Variable.Name}_{p.Indices.Joined}",
        VecTerm v => $"vec({Print(v.Of)})",
        VecDerivativeTerm { Order: 1 } v => $"dvec(F)/dvec({v.Variable.Name})'",
        VecDerivativeTerm v => $"d2f/dvec({v.Variable.Name}) dvec({v.Variable.Name})'",
        BasisTerm b => Basis(b),
        IndexSumTerm s => TextIndex.Write(s),
        EntryTerm e => IndexEntryPrinting.Text(e),
        MapEntryTerm m => IndexEntryPrinting.Text(m),
        VecEntryTerm v => IndexEntryPrinting.Text(v),
        _ => throw new ArgumentOutOfRangeException(nameof(term), term.GetType().Name),
    };

    private static string Basis(BasisTerm b)
    {
        var g = Print(b.Gradient);
        if (b.Variable.IsScalar) return g;
        var gb = b.Atomic ? g : $"({g})";
        var idx = b.Indices.Joined;
        var x = b.Variable.Name;
        return b.Variable.Shape.IsColumnVector
            ? $"Df({x})[e_{idx}] = {gb}' e_{idx} = {gb}_{idx}"
            : $"Df({x})[E_{idx}] = tr({gb}' E_{idx}) = {gb}_{idx}";
    }
}

public static partial class LatexPrinter
{
    private static readonly IndexNotation LatexIndex = new(
        "0", " + ", " - ", idx => $@"\sum_{{{idx}}} ", Number,
        s => IndexNotation.SelfDelimiting(s) ? Print(s) : $@"\left({Print(s)}\right)",
        idx => $@"\delta_{{{idx}}}",
        a => a switch
        {
            PowerFactor p => $@"\left({(p.Base is Symbol ? Print(p.Base) : $@"\left({Print(p.Base)}\right)")}^{{{IndexNotation.Exponent(p)}}}\right)",
            EntryFactor { Matrix: Symbol s } => Print(s),
            EntryFactor e => $@"\left({Print(e.Matrix)}\right)",
            _ => throw new ArgumentOutOfRangeException(nameof(a)),
        },
        (body, idx) => $"{body}_{{{idx}}}", " ", (t, last) => $@"\sum_{{{t}=0}}^{{{last}}} ",
        (num, _, q) => $@"\frac{{{num}}}{{{q}}}");

    private static string Function(FunctionKind k) => k switch { FunctionKind.Scalar => "f", FunctionKind.Matrix => "F", _ => @"\nabla f" };

    /// <summary>A step term in LaTeX (the left-hand sides use a small subset that <see cref="MathMlLayout"/> reads).</summary>
    public static string Print(StepTerm term) => term switch
    {
        ExprTerm e => Print(e.Expr),
        FunctionTerm f => Function(f.Kind),
        ApplyTerm a => a.Direction is null ? $"{Function(a.Function.Kind)}({Name(a.At.Name)})"
            : $@"{Function(a.Function.Kind)}({Name(a.At.Name)} + \varepsilon {Name(a.Direction.Name)})",
        DifferentialTerm { Of: FunctionTerm { Kind: not FunctionKind.Gradient } f } => $"d{Function(f.Kind)}",
        DifferentialTerm d => $"d({Print(d.Of)})",
        DifferenceQuotientTerm q => $@"\frac{{{Print(new ApplyTerm(q.Function, q.At, q.Direction))} - {Print(new ApplyTerm(q.Function, q.At))}}}{{\varepsilon}}",
        DirectionTerm d => $"D{Function(d.Function.Kind)}({Name(d.At.Name)})[{Name(d.Direction.Name)}]",
        HessianMapTerm h => $@"\nabla^2 f[{Name(h.Direction.Name)}]",
        PartialTerm p => p.Indices.Count == 0 ? $@"\frac{{\partial f}}{{\partial {Name(p.Variable.Name)}}}"
            : $@"\frac{{\partial f}}{{\partial {Name(p.Variable.Name)}_{{{p.Indices.Joined}}}}}",
        VecTerm v => $@"\operatorname{{vec}}\left({Print(v.Of)}\right)",
        VecDerivativeTerm { Order: 1 } v => $@"\frac{{\partial \operatorname{{vec}} F}}{{\partial (\operatorname{{vec}} {Name(v.Variable.Name)})^\top}}",
        VecDerivativeTerm v => $@"\frac{{\partial^2 f}}{{\partial \operatorname{{vec}} {Name(v.Variable.Name)}\, \partial (\operatorname{{vec}} {Name(v.Variable.Name)})^\top}}",
        BasisTerm b => Basis(b),
        IndexSumTerm s => LatexIndex.Write(s),
        EntryTerm e => IndexEntryPrinting.Latex(e),
        MapEntryTerm m => IndexEntryPrinting.Latex(m),
        VecEntryTerm v => IndexEntryPrinting.Latex(v),
        _ => throw new ArgumentOutOfRangeException(nameof(term), term.GetType().Name),
    };

    private static string Basis(BasisTerm b)
    {
        var xl = Name(b.Variable.Name);
        var g = Print(b.Gradient);
        if (b.Variable.IsScalar) return $"Df({xl})[1] = {g}";
        var gb = b.Atomic ? g : $@"\left({g}\right)";
        var idx = b.Indices.Joined;
        return b.Variable.Shape.IsColumnVector
            ? $@"Df({xl})[e_{{{idx}}}] = {gb}^\top e_{{{idx}}} = {gb}_{{{idx}}}"
            : $@"Df({xl})[E_{{{idx}}}] = \operatorname{{tr}}\left({gb}^\top E_{{{idx}}}\right) = {gb}_{{{idx}}}";
    }
}

public static partial class MathMlPrinter
{
    private static string MathMlIndices(string idx) => string.Concat(idx.Select(c => $"<mi>{X(c.ToString())}</mi>"));

    private static readonly IndexNotation MathMlIndex = new(
        "<mn>0</mn>", "<mo>+</mo>", "<mo>−</mo>", idx => $"<munder><mo>∑</mo><mrow>{MathMlIndices(idx)}</mrow></munder>",
        v => $"<mn>{v.ToString("G6", CultureInfo.InvariantCulture)}</mn>",
        s => IndexNotation.SelfDelimiting(s) ? Row(s) : $"<mrow><mo>(</mo>{Row(s)}<mo>)</mo></mrow>",
        idx => $"<msub><mi>δ</mi><mrow>{MathMlIndices(idx)}</mrow></msub>",
        a => a switch
        {
            PowerFactor p => $"<mrow><mo>(</mo><msup>{(p.Base is Symbol ? Row(p.Base) : $"<mrow><mo>(</mo>{Row(p.Base)}<mo>)</mo></mrow>")}<mrow>{(p.Left ? $"<mi>{X(p.Index)}</mi>" : $"<mn>{p.K - 1}</mn><mo>−</mo><mi>{X(p.Index)}</mi>")}</mrow></msup><mo>)</mo></mrow>",
            EntryFactor { Matrix: Symbol s } => Row(s),
            EntryFactor e => $"<mrow><mo>(</mo>{Row(e.Matrix)}<mo>)</mo></mrow>",
            _ => throw new ArgumentOutOfRangeException(nameof(a)),
        },
        (body, idx) => $"<msub>{body}<mrow>{MathMlIndices(idx)}</mrow></msub>", "<mo>&#x2062;</mo>", // invisible times: a line may break there
        (t, last) => $"<munderover><mo>∑</mo><mrow><mi>{X(t)}</mi><mo>=</mo><mn>0</mn></mrow><mn>{last}</mn></munderover>",
        (num, _, q) => $"<mfrac><mrow>{num}</mrow><mn>{q}</mn></mfrac>");

    /// <summary>
    /// A step term as presentation MathML (a sequence of elements): expressions as one &lt;mrow&gt;, index sums and the basis
    /// chain wrapped in one, the named terms (f(X + εH), Df(X)[H], ∂f/∂X_ab, …) as the elements they are made of.
    /// </summary>
    public static string Row(StepTerm term) => term switch
    {
        ExprTerm e => Row(e.Expr),
        IndexSumTerm s => $"<mrow>{MathMlIndex.Write(s)}</mrow>",
        BasisTerm b => $"<mrow>{Basis(b)}</mrow>",
        FunctionTerm f => Function(f.Kind),
        ApplyTerm a => Apply(a.Function, a.At, a.Direction),
        DifferentialTerm { Of: FunctionTerm { Kind: not FunctionKind.Gradient } f } => $"{Upright("d")}{Function(f.Kind)}",
        DifferentialTerm d => $"{Upright("d")}<mo>(</mo>{Row(d.Of)}<mo>)</mo>",
        DifferenceQuotientTerm q => $"<mfrac><mrow>{Apply(q.Function, q.At, q.Direction)}<mo>−</mo>{Apply(q.Function, q.At, null)}</mrow><mrow><mi>ε</mi></mrow></mfrac>",
        DirectionTerm d => $"<mi>D</mi>{Function(d.Function.Kind)}<mo>(</mo>{Name(d.At.Name)}<mo>)</mo><mo>[</mo>{Name(d.Direction.Name)}<mo>]</mo>",
        HessianMapTerm h => $"<msup>{Nabla}<mn>2</mn></msup><mi>f</mi><mo>[</mo>{Name(h.Direction.Name)}<mo>]</mo>",
        PartialTerm p => $"<mfrac><mrow>{Partial}<mi>f</mi></mrow><mrow>{Partial}{(p.Indices.Count == 0 ? Name(p.Variable.Name) : $"<msub>{Name(p.Variable.Name)}<mrow>{MathMlIndices(p.Indices.Joined)}</mrow></msub>")}</mrow></mfrac>",
        VecTerm v => $"<mi>vec</mi><mo>(</mo>{Row(v.Of)}<mo>)</mo>",
        VecDerivativeTerm { Order: 1 } v => $"<mfrac><mrow>{Partial}<mi>vec</mi><mi>F</mi></mrow><mrow>{Partial}{VecTransposed(v.Variable)}</mrow></mfrac>",
        VecDerivativeTerm v => $"<mfrac><mrow><msup>{Partial}<mn>2</mn></msup><mi>f</mi></mrow><mrow>{Partial}<mi>vec</mi>{Name(v.Variable.Name)}<mspace width=\"0.167em\"/>{Partial}{VecTransposed(v.Variable)}</mrow></mfrac>",
        // The index method's entry terms (F_ij, ∂F_ij/∂X_ab, (DF(X)[H])_ij, the vec matrix's entry) are laid out from their
        // LaTeX by the left-hand-side reader: one notation, and StepTermTests holds the two printers to it.
        EntryTerm or MapEntryTerm or VecEntryTerm => MathMlLayout.FromLatex(LatexPrinter.Print(term)) ?? $"<mtext>{X(TextPrinter.Print(term))}</mtext>",
        _ => throw new ArgumentOutOfRangeException(nameof(term), term.GetType().Name),
    };

    private const string Partial = "<mo rspace=\"0\">∂</mo>", Nabla = "<mo rspace=\"0\">∇</mo>";

    private static string Upright(string letter) => $"<mi mathvariant=\"normal\">{letter}</mi>";

    private static string Function(FunctionKind k) => k switch { FunctionKind.Scalar => "<mi>f</mi>", FunctionKind.Matrix => "<mi>F</mi>", _ => $"{Nabla}<mi>f</mi>" };

    /// <summary>f(X), or f(X + εH) with a direction.</summary>
    private static string Apply(FunctionTerm f, Symbol at, Symbol? direction) =>
        $"{Function(f.Kind)}<mo>(</mo>{Name(at.Name)}{(direction is null ? "" : $"<mo>+</mo><mi>ε</mi>{Name(direction.Name)}")}<mo>)</mo>";

    /// <summary>(vec X)ᵀ.</summary>
    private static string VecTransposed(Symbol x) => $"<mo>(</mo><mi>vec</mi>{Name(x.Name)}<msup><mo>)</mo><mo>⊤</mo></msup>";

    /// <summary>Df(X)[E_ij] = tr(Gᵀ E_ij) = G_ij (e_i and Gᵀe_i for a vector; G for a scalar).</summary>
    private static string Basis(BasisTerm b)
    {
        var gm = Row(b.Gradient);
        if (b.Variable.IsScalar) return gm;
        var vector = b.Variable.Shape.IsColumnVector;
        var gb = b.Atomic ? gm : $"<mrow><mo>(</mo>{gm}<mo>)</mo></mrow>";
        var idx = b.Indices.Count == 1 ? MathMlIndices(b.Indices.Joined) : $"<mrow>{MathMlIndices(b.Indices.Joined)}</mrow>";
        var basis = vector ? $"<msub><mi>e</mi>{idx}</msub>" : $"<msub><mi>E</mi>{idx}</msub>";
        var df = $"<mi>D</mi><mi>f</mi><mrow><mo>(</mo>{Name(b.Variable.Name)}<mo>)</mo></mrow><mrow><mo>[</mo>{basis}<mo>]</mo></mrow><mo>=</mo>";
        var middle = vector
            ? $"<msup>{gb}<mo>⊤</mo></msup>{basis}"
            : $"<mi>tr</mi><mo>&#x2061;</mo><mrow><mo>(</mo><msup>{gb}<mo>⊤</mo></msup>{basis}<mo>)</mo></mrow>";
        return $"{df}{middle}<mo>=</mo><msub>{gb}{idx}</msub>";
    }
}
