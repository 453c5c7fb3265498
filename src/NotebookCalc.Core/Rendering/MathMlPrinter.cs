using System.Text;
using NotebookCalc.Calculus;
using NotebookCalc.Semantics;
using NotebookCalc.Syntax;

namespace NotebookCalc.Rendering;

/// <summary>
/// Presentation MathML from expression trees (same layout decisions as <see cref="LatexPrinter"/>), so notebooks and
/// browsers show mathematics with no script and no network. All text content is XML-escaped.
/// </summary>
public static partial class MathMlPrinter
{
    private const int Frob = TextPrinter.Frob, Sum = TextPrinter.Sum, Prod = TextPrinter.Prod, Unary = TextPrinter.Unary,
        Postfix = TextPrinter.Postfix, Atom = TextPrinter.Atom;

    /// <summary>A complete &lt;math&gt; element.</summary>
    public static string Math(Expr e, bool block = false) =>
        $"<math xmlns=\"http://www.w3.org/1998/Math/MathML\"{(block ? " display=\"block\"" : "")}>{Row(e)}</math>";

    /// <summary>lhs = rhs as one &lt;math&gt; element; <paramref name="lhs"/> is MathML already.</summary>
    public static string Equation(string lhs, Expr rhs) => Equation(lhs, Row(rhs));

    /// <summary>lhs = rhs as one &lt;math&gt; element, both sides MathML already (<paramref name="rhsRow"/> one &lt;mrow&gt;).</summary>
    public static string Equation(string lhs, string rhsRow) =>
        $"<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mrow>{lhs}<mo>=</mo>{rhsRow}</mrow></math>";

    public static string Row(Expr e)
    {
        var sb = new StringBuilder();
        Write(sb, e, 0);
        return $"<mrow>{sb}</mrow>";
    }

    private static string X(string s) => Html.Escape(s);

    /// <summary>A symbol name: lambda1 → λ₁ (msub), Omega → Ω, W_2 → W₂, logits → logits.</summary>
    public static string Name(string name)
    {
        if (name == "ε") return "<mi>ε</mi>";
        if (Greek.TrySplit(name, out var greek, out var sub))
            return Sub($"<mi>{Greek.Letter(greek)}</mi>", sub);
        var underscore = name.IndexOf('_');
        if (underscore > 0) return Sub(Name(name[..underscore]), name[(underscore + 1)..]);
        var i = name.Length;
        while (i > 0 && char.IsAsciiDigit(name[i - 1])) i--;
        if (i > 0 && i < name.Length) return Sub(Name(name[..i]), name[i..]);
        return $"<mi>{X(name)}</mi>";
    }

    private static string Sub(string b, string sub) =>
        sub.Length == 0 ? b : $"<msub>{b}{(sub.All(char.IsAsciiDigit) ? $"<mn>{X(sub)}</mn>" : Name(sub))}</msub>";

    private static int Level(Expr e) => e switch
    {
        Divide => Atom,
        Inverse => Postfix,
        Kron => Prod, // printed infix as A ⊗ B
        PowerSum => Sum, // drawn as a summation
        _ => TextPrinter.Level(e),
    };

    private static void Write(StringBuilder sb, Expr e, int minLevel, bool notFirst = false, bool bare = false)
    {
        if (e is Broadcast b && bare) { Write(sb, b.Value, minLevel, notFirst); return; }
        var paren = Level(e) < minLevel || (notFirst && TextPrinter.StartsWithMinus(e) && Level(e) < Atom);
        if (paren) sb.Append("<mrow><mo>(</mo>");
        WriteCore(sb, e);
        if (paren) sb.Append("<mo>)</mo></mrow>");
    }

    private static string Group(Expr e, int level)
    {
        var sb = new StringBuilder();
        Write(sb, e, level);
        return $"<mrow>{sb}</mrow>";
    }

    private static void Call(StringBuilder sb, string fn, Expr arg) =>
        sb.Append($"<mrow>{fn}<mo>&#x2061;</mo><mrow><mo>(</mo>{Group(arg, 0)}<mo>)</mo></mrow></mrow>");

    private static void Infix(StringBuilder sb, Expr l, string op, Expr r, int level, bool broadcast = false)
    {
        Write(sb, l, broadcast && l is MatMul or Scale or Divide ? level + 1 : level, bare: broadcast);
        sb.Append($"<mo>{op}</mo>");
        Write(sb, r, level + 1, notFirst: true, bare: broadcast);
    }

    private static void Juxtapose(StringBuilder sb, Expr l, Expr r)
    {
        Write(sb, l, l is Hadamard or HadamardDiv or Kron ? Prod + 1 : Prod);
        sb.Append(r is Number || (r is Scale { Factor: Number }) ? "<mo>·</mo>" : "<mo>&#x2062;</mo>");
        // An operator name after a factor gets the thin space TeX puts before \operatorname (2 tr(A), not 2tr(A)).
        if (StartsWithName(r, Prod + 1)) sb.Append(ThinSpace);
        Write(sb, r, Prod + 1, notFirst: true);
    }

    /// <summary>The space between an operator name and what stands before it (TeX's thin space, 3/18 em).</summary>
    public const string ThinSpace = "<mspace width=\"0.1667em\"/>";

    /// <summary>Whether <paramref name="e"/>, written at <paramref name="minLevel"/>, begins with an operator name (tr, det, ln, …).</summary>
    private static bool StartsWithName(Expr e, int minLevel)
    {
        if (Level(e) < minLevel || (e is Broadcast)) return false;
        return e switch
        {
            Trace or Det or LogDet or Softmax or SumAll or DiagMatrix or DiagVector or Vec or Unvec => true,
            Elementwise { Fn: not (ElementwiseFn.Sqrt or ElementwiseFn.Abs) } => true,
            MatMul m => StartsWithName(m.L, Prod),
            Scale s => StartsWithName(s.Factor, Prod),
            _ => false,
        };
    }

    private static string NormSubscript(Norm n) => n.Kind == NormKind.One ? "<mn>1</mn>" : n.A.Shape.Cols.IsOne || n.A.Shape.Rows.IsOne ? "<mn>2</mn>" : "<mi>F</mi>";

    private static string NormBars(Norm n) => $"<mrow><mo>‖</mo>{Group(n.A, 0)}<mo>‖</mo></mrow>";

    private static string Norm(Norm n) => $"<msub>{NormBars(n)}{NormSubscript(n)}</msub>";

    /// <summary>A number; a negative one with a real minus sign.</summary>
    /// <summary>An exponent: an exact fraction as p/q, otherwise the number.</summary>
    private static string Exponent(double v) =>
        Rational.IsFraction(v, out var p, out var q)
            ? $"<mrow>{Mn(p)}<mo>/</mo><mn>{q.ToString(System.Globalization.CultureInfo.InvariantCulture)}</mn></mrow>"
            : v < 0 ? Mn(v) : $"<mn>{X(TextPrinter.FormatNumber(v))}</mn>";

    private static string Mn(double v) => v < 0 ? $"<mrow><mo>−</mo><mn>{X(TextPrinter.FormatNumber(-v))}</mn></mrow>" : $"<mn>{X(TextPrinter.FormatNumber(v))}</mn>";

    private static void WriteCore(StringBuilder sb, Expr e)
    {
        switch (e)
        {
            case Symbol s: sb.Append(Name(s.Name)); break;
            case Number n: sb.Append(Mn(n.Value)); break;
            case Identity i: sb.Append(i.Dimension is ConstDim { Value: > 1 } fixedSize ? $"<msub><mi>I</mi><mn>{fixedSize.Value}</mn></msub>" : "<mi>I</mi>"); break;
            case ZeroMatrix: sb.Append("<mn>0</mn>"); break;
            case Ones: sb.Append("<mn mathvariant=\"bold\">1</mn>"); break;
            case Broadcast b: Write(sb, b.Value, Prod); sb.Append("<mo>&#x2062;</mo><mn mathvariant=\"bold\">1</mn>"); break;
            case Add a:
                Write(sb, a.L, Sum, bare: true);
                switch (a.R)
                {
                    case Neg n: sb.Append("<mo>−</mo>"); Write(sb, n.A, Sum + 1, notFirst: true); break;
                    case Number { Value: < 0 } num: sb.Append($"<mo>−</mo><mn>{X(TextPrinter.FormatNumber(-num.Value))}</mn>"); break;
                    case Broadcast { Value: Number { Value: < 0 } bn }: sb.Append($"<mo>−</mo><mn>{X(TextPrinter.FormatNumber(-bn.Value))}</mn>"); break;
                    case Broadcast { Value: Neg bn }: sb.Append("<mo>−</mo>"); Write(sb, bn.A, Sum + 1, notFirst: true); break;
                    default: sb.Append("<mo>+</mo>"); Write(sb, a.R, Sum + 1, notFirst: true, bare: true); break;
                }
                break;
            case Neg n: sb.Append("<mo>−</mo>"); Write(sb, n.A, Unary, notFirst: true); break;
            case Frobenius f: Infix(sb, f.L, OperatorFacts.Frobenius.MathMl, f.R, Sum + 1); break; // a sum beside : is bracketed for the reader, though : binds loosest
            case MatMul m: Juxtapose(sb, m.L, m.R); break;
            case Scale s: Juxtapose(sb, s.Factor, s.A); break;
            case Divide d: sb.Append($"<mfrac>{Group(d.Numerator, 0)}{Group(d.Denominator, 0)}</mfrac>"); break;
            case Hadamard h: Infix(sb, h.L, OperatorFacts.Hadamard.MathMl, h.R, Prod, broadcast: true); break;
            case HadamardDiv h: Infix(sb, h.L, OperatorFacts.HadamardDiv.MathMl, h.R, Prod, broadcast: true); break;
            case Transpose { A: Inverse inv }: sb.Append($"<msup>{Group(inv.A, Atom)}<mrow><mo>−</mo><mo>⊤</mo></mrow></msup>"); break;
            case Transpose t: sb.Append($"<msup>{Group(t.A, Atom)}<mo>⊤</mo></msup>"); break;
            case Inverse i: sb.Append($"<msup>{Group(i.A, Atom)}<mrow><mo>−</mo><mn>1</mn></mrow></msup>"); break;
            case Power { A: Norm n } p: sb.Append($"<msubsup>{NormBars(n)}{NormSubscript(n)}{Mn(p.Exponent)}</msubsup>"); break;
            case Power p: sb.Append($"<msup>{Group(p.A, Atom)}{Exponent(p.Exponent)}</msup>"); break;
            case HadamardPower p: sb.Append($"<msup>{Group(p.A, Atom)}<mrow><mo>∘</mo>{Exponent(p.Exponent)}</mrow></msup>"); break;
            case Kron k: Infix(sb, k.L, OperatorFacts.Kron.MathMl, k.R, Prod); break;
            case Trace t: Call(sb, BuiltinFunctions.Trace.MathMl, t.A); break;
            case Det d: Call(sb, BuiltinFunctions.Det.MathMl, d.A); break;
            case LogDet l: Call(sb, BuiltinFunctions.LogDet.MathMl, l.A); break;
            case Elementwise { Fn: ElementwiseFn.Sqrt } f: sb.Append($"<msqrt>{Group(f.A, 0)}</msqrt>"); break;
            case Elementwise { Fn: ElementwiseFn.Abs } f: sb.Append($"<mrow><mo>|</mo>{Group(f.A, 0)}<mo>|</mo></mrow>"); break;
            case Elementwise f: Call(sb, TextPrinter.Builtin(f.Fn).MathMl, f.A); break;
            case Softmax s: Call(sb, (s.Rows ? BuiltinFunctions.SoftmaxRows : BuiltinFunctions.Softmax).MathMl, s.A); break;
            case SumAll s: Call(sb, BuiltinFunctions.Sum.MathMl, s.A); break;
            case DiagMatrix d: Call(sb, BuiltinFunctions.Diag.MathMl, d.A); break;
            case DiagVector d: Call(sb, BuiltinFunctions.Diag.MathMl, d.A); break;
            case Vec v: Call(sb, BuiltinFunctions.Vec.MathMl, v.A); break;
            case Norm n: sb.Append(Norm(n)); break;
            case OpaqueCall c: Call(sb, Name(c.Function), c.Arg); break;
            case Differential { Of: Symbol s }: sb.Append($"<mrow><mi mathvariant=\"normal\">d</mi>{Name(s.Name)}</mrow>"); break;
            case Differential d: Call(sb, "<mi mathvariant=\"normal\">d</mi>", d.Of); break;
            case JacobianApply j: sb.Append(Jacobian(j.Function, j.Arg)).Append("<mo>:</mo>"); Write(sb, j.Direction, Frob + 1, notFirst: true); break;
            case JacobianAdjoint j: Write(sb, j.Cotangent, Postfix); sb.Append("<mo>:</mo>").Append(Jacobian(j.Function, j.Arg)); break;
            case KronAdjoint k: sb.Append($"<msub><mi mathvariant=\"script\">K</mi><mn>{(k.IsLeft ? 1 : 2)}</mn></msub><mrow><mo>(</mo>{Group(k.Cotangent, 0)}<mo>,</mo>{Group(k.Other, 0)}<mo>)</mo></mrow>"); break;
            case Commutation k: sb.Append($"<msub><mi>K</mi><mrow>{DimMathMl(k.M)}<mo>,</mo>{DimMathMl(k.N)}</mrow></msub>"); break;
            case Unvec u: Call(sb, "<msup><mi>vec</mi><mrow><mo>−</mo><mn>1</mn></mrow></msup>", u.V); break;
            case PowerSum ps:
                sb.Append($"<munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>0</mn></mrow><mn>{ps.K - 1}</mn></munderover>");
                sb.Append($"<msup>{Group(ps.Base, Atom)}<mi>i</mi></msup>");
                Write(sb, ps.Inner, Prod + 1, notFirst: true);
                sb.Append($"<msup>{Group(ps.Base, Atom)}<mrow><mn>{ps.K - 1}</mn><mo>−</mo><mi>i</mi></mrow></msup>");
                break;
            case Order o: sb.Append(o.Power == 1 ? "<mrow><mi>O</mi><mo>(</mo><mi>ε</mi><mo>)</mo></mrow>" : $"<mrow><mi>O</mi><mo>(</mo><msup><mi>ε</mi><mn>{o.Power}</mn></msup><mo>)</mo></mrow>"); break;
            default: throw new NotSupportedException($"cannot print {e.GetType().Name}");
        }
    }

    /// <summary>A dimension as a subscript: n, 3, or a product nm.</summary>
    internal static string DimMathMl(Dim d) => d switch
    {
        NamedDim n => Name(n.Name),
        ProductDim p => DimMathMl(p.Left) + DimMathMl(p.Right),
        _ => $"<mn>{System.Net.WebUtility.HtmlEncode(d.ToString())}</mn>",
    };

    private static string Jacobian(string f, Expr arg) =>
        $"<mfrac><mrow><mo>∂</mo>{Name(f)}</mrow><mrow><mo>∂</mo>{Row(arg)}</mrow></mfrac>";
}
