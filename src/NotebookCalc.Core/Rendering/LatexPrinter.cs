using System.Globalization;
using System.Text;
using NotebookCalc.Semantics;
using NotebookCalc.Syntax;

namespace NotebookCalc.Rendering;

/// <summary>
/// Prints an expression as textbook LaTeX: W^\top, \Omega^{-1}, \odot, \operatorname{tr}, \ln\det, \lVert A\rVert_F^2,
/// \lambda_1, \frac{\lambda_1}{2}, with minimal parentheses. Output is valid under KaTeX strict mode (tested).
/// </summary>
public static partial class LatexPrinter
{
    private const int Frob = TextPrinter.Frob, Sum = TextPrinter.Sum, Prod = TextPrinter.Prod, Unary = TextPrinter.Unary,
        Postfix = TextPrinter.Postfix, Atom = TextPrinter.Atom;

    public static string Print(Expr e)
    {
        var sb = new StringBuilder();
        Write(sb, e, 0);
        return sb.ToString();
    }

    /// <summary>A symbol name in LaTeX: lambda1 → \lambda_1, Omega → \Omega, W_2 → W_{2}, logits → \mathit{logits}.</summary>
    public static string Name(string name)
    {
        if (name == "ε") return "\\varepsilon";
        if (Greek.TrySplit(name, out var greek, out var sub))
            return Greek.LatexCommand(greek) + Subscript(sub);
        var underscore = name.IndexOf('_');
        if (underscore > 0)
            return Name(name[..underscore]) + Subscript(name[(underscore + 1)..]);
        var i = name.Length;
        while (i > 0 && char.IsAsciiDigit(name[i - 1])) i--;
        if (i > 0 && i < name.Length) return Name(name[..i]) + Subscript(name[i..]);
        return name.Length == 1 ? name : $"\\mathit{{{name}}}";
    }

    private static string Subscript(string sub) => sub.Length switch
    {
        0 => "",
        1 => "_" + sub,
        _ => "_{" + (sub.All(char.IsAsciiDigit) ? sub : Name(sub)) + "}",
    };

    private static int Level(Expr e) => e switch
    {
        Scale { Factor: Divide } => Prod,
        Divide => Atom, // \frac{}{} is self-delimiting
        Inverse => Postfix, // printed as a superscript: A^{-1}
        Kron => Prod, // printed infix as A \otimes B (a call kron(A, B) in text)
        Calculus.PowerSum => Sum, // drawn as a summation (a call powersum(B, C, k) in text)
        _ => TextPrinter.Level(e),
    };

    private static void Write(StringBuilder sb, Expr e, int minLevel, bool notFirst = false, bool bare = false)
    {
        if (e is Broadcast b && bare)
        {
            Write(sb, b.Value, minLevel, notFirst);
            return;
        }
        var level = Level(e);
        var paren = level < minLevel || (notFirst && TextPrinter.StartsWithMinus(e) && level < Atom);
        if (paren) sb.Append("\\left(");
        WriteCore(sb, e);
        if (paren) sb.Append("\\right)");
    }

    private static void WriteCore(StringBuilder sb, Expr e)
    {
        switch (e)
        {
            case Symbol s: sb.Append(Name(s.Name)); break;
            case Number n: sb.Append(Number(n.Value)); break;
            case Identity i: sb.Append(i.Dimension is ConstDim { Value: > 1 } fixedSize ? $"I_{{{fixedSize.Value}}}" : "I"); break; // a fixed size is shown: I_3 ⊗ A
            case ZeroMatrix: sb.Append('0'); break;
            case Ones: sb.Append("\\mathbf{1}"); break;
            case Broadcast b:
                Write(sb, b.Value, Prod);
                sb.Append("\\,\\mathbf{1}");
                break;
            case Add a:
                Write(sb, a.L, Sum, bare: true);
                switch (a.R)
                {
                    case Neg n:
                        sb.Append(" - ");
                        Write(sb, n.A, Sum + 1, notFirst: true);
                        break;
                    case Number { Value: < 0 } num:
                        sb.Append(" - ").Append(Number(-num.Value));
                        break;
                    case Broadcast { Value: Number { Value: < 0 } bn }:
                        sb.Append(" - ").Append(Number(-bn.Value));
                        break;
                    case Broadcast { Value: Neg bn }:
                        sb.Append(" - ");
                        Write(sb, bn.A, Sum + 1, notFirst: true);
                        break;
                    default:
                        sb.Append(" + ");
                        Write(sb, a.R, Sum + 1, notFirst: true, bare: true);
                        break;
                }
                break;
            case Neg n:
                sb.Append('-');
                Write(sb, n.A, Unary, notFirst: true);
                break;
            case Frobenius f: Infix(sb, f.L, OperatorFacts.Frobenius.Latex, f.R, Sum + 1); break; // a sum beside : is bracketed for the reader, though : binds loosest
            case MatMul m: Juxtapose(sb, m.L, m.R); break;
            case Scale s: Juxtapose(sb, s.Factor, s.A); break;
            case Divide d:
                sb.Append("\\frac{");
                Write(sb, d.Numerator, 0);
                sb.Append("}{");
                Write(sb, d.Denominator, 0);
                sb.Append('}');
                break;
            case Hadamard h: Infix(sb, h.L, OperatorFacts.Hadamard.Latex, h.R, Prod, broadcast: true); break;
            case HadamardDiv h: Infix(sb, h.L, OperatorFacts.HadamardDiv.Latex, h.R, Prod, broadcast: true); break;
            case Transpose { A: Inverse inv }:
                Write(sb, inv.A, Atom);
                sb.Append("^{-\\top}");
                break;
            case Transpose t:
                Write(sb, t.A, Atom);
                sb.Append("^\\top");
                break;
            case Inverse i:
                Write(sb, i.A, Atom);
                sb.Append("^{-1}");
                break;
            case Power { A: Norm n } p:
                WriteNorm(sb, n);
                sb.Append('^').Append(Exponent(p.Exponent));
                break;
            case Power p:
                Write(sb, p.A, Atom);
                sb.Append('^').Append(Exponent(p.Exponent));
                break;
            case HadamardPower p:
                Write(sb, p.A, Atom);
                sb.Append("^{\\circ ").Append(Exponent(p.Exponent).Trim('{', '}')).Append('}');
                break;
            case Kron k: Infix(sb, k.L, OperatorFacts.Kron.Latex, k.R, Prod); break;
            case Trace t: Call(sb, BuiltinFunctions.Trace.Latex, t.A); break;
            case Det d: Call(sb, BuiltinFunctions.Det.Latex, d.A); break;
            case LogDet l: Call(sb, BuiltinFunctions.LogDet.Latex, l.A); break;
            case Elementwise { Fn: ElementwiseFn.Sqrt } f:
                sb.Append("\\sqrt{");
                Write(sb, f.A, 0);
                sb.Append('}');
                break;
            case Elementwise { Fn: ElementwiseFn.Abs } f:
                sb.Append("\\left\\lvert ");
                Write(sb, f.A, 0);
                sb.Append("\\right\\rvert");
                break;
            case Elementwise f: Call(sb, TextPrinter.Builtin(f.Fn).Latex, f.A); break;
            case Softmax s: Call(sb, (s.Rows ? BuiltinFunctions.SoftmaxRows : BuiltinFunctions.Softmax).Latex, s.A); break;
            case SumAll s: Call(sb, BuiltinFunctions.Sum.Latex, s.A); break;
            case DiagMatrix d: Call(sb, BuiltinFunctions.Diag.Latex, d.A); break;
            case DiagVector d: Call(sb, BuiltinFunctions.Diag.Latex, d.A); break;
            case Vec v: Call(sb, BuiltinFunctions.Vec.Latex, v.A); break;
            case Norm n: WriteNorm(sb, n); break;
            case OpaqueCall c:
                sb.Append(Name(c.Function)).Append("\\left(");
                Write(sb, c.Arg, 0);
                sb.Append("\\right)");
                break;
            case Calculus.Differential { Of: Symbol s }: sb.Append("d").Append(Name(s.Name)); break;
            case Calculus.Differential d: Call(sb, "d", d.Of); break;
            case Calculus.JacobianApply j:
                sb.Append(Jacobian(j.Function, j.Arg)).Append(" : ");
                Write(sb, j.Direction, Frob + 1, notFirst: true);
                break;
            case Calculus.JacobianAdjoint j:
                Write(sb, j.Cotangent, Postfix);
                sb.Append(" : ").Append(Jacobian(j.Function, j.Arg));
                break;
            case Calculus.KronAdjoint k:
                sb.Append(k.IsLeft ? "\\mathcal{K}_{1}\\left(" : "\\mathcal{K}_{2}\\left(");
                Write(sb, k.Cotangent, 0);
                sb.Append(", ");
                Write(sb, k.Other, 0);
                sb.Append("\\right)");
                break;
            case Calculus.PowerSum ps:
                sb.Append("\\sum_{i=0}^{").Append(ps.K - 1).Append("} ");
                Write(sb, ps.Base, Atom);
                sb.Append("^{i} ");
                Write(sb, ps.Inner, Prod + 1, notFirst: true);
                sb.Append(' ');
                Write(sb, ps.Base, Atom);
                sb.Append("^{").Append(ps.K - 1).Append("-i}");
                break;
            case Calculus.Order o: sb.Append(o.Power == 1 ? "O(\\varepsilon)" : $"O(\\varepsilon^{o.Power})"); break;
            case Calculus.Unvec u: Call(sb, "\\operatorname{vec}^{-1}", u.V); break;
            case Calculus.Commutation k: sb.Append("K_{").Append(DimLatex(k.M)).Append(',').Append(DimLatex(k.N)).Append('}'); break;
            default: throw new NotSupportedException($"cannot print {e.GetType().Name}");
        }
    }

    /// <summary>A dimension as a subscript: n, 3, or a product nm.</summary>
    internal static string DimLatex(Dim d) => d switch
    {
        NamedDim n => Name(n.Name),
        ProductDim p => DimLatex(p.Left) + " " + DimLatex(p.Right),
        _ => d.ToString()!,
    };

    private static void WriteNorm(StringBuilder sb, Norm n)
    {
        sb.Append("\\left\\lVert ");
        Write(sb, n.A, 0);
        sb.Append("\\right\\rVert_");
        sb.Append(n.Kind == NormKind.One ? "1" : n.A.Shape.Cols.IsOne || n.A.Shape.Rows.IsOne ? "2" : "F");
    }

    private static string Jacobian(string f, Expr arg) => $"\\frac{{\\partial {Name(f)}}}{{\\partial {Print(arg)}}}";

    private static void Call(StringBuilder sb, string fn, Expr arg)
    {
        sb.Append(fn).Append("\\left(");
        Write(sb, arg, 0);
        sb.Append("\\right)");
    }

    private static void Infix(StringBuilder sb, Expr l, string op, Expr r, int level, bool broadcast = false)
    {
        // (A B) ⊙ C: a matrix product inside an entrywise one is bracketed for the reader.
        Write(sb, l, broadcast && l is MatMul or Scale or Divide ? level + 1 : level, bare: broadcast);
        sb.Append(op);
        Write(sb, r, level + 1, notFirst: true, bare: broadcast);
    }

    private static void Juxtapose(StringBuilder sb, Expr l, Expr r)
    {
        // (A ⊙ B) C: an entrywise product on the left of a matrix product is bracketed for the reader.
        Write(sb, l, l is Hadamard or HadamardDiv or Kron ? Prod + 1 : Prod);
        var right = new StringBuilder();
        Write(right, r, Prod + 1, notFirst: true);
        sb.Append(right.Length > 0 && (char.IsAsciiDigit(right[0]) || right[0] == '.') ? " \\cdot " : " ");
        sb.Append(right);
    }

    private static string Exponent(double v)
    {
        if (Rational.IsFraction(v, out var p, out var q)) return "{" + p.ToString(CultureInfo.InvariantCulture) + "/" + q.ToString(CultureInfo.InvariantCulture) + "}";
        var s = Number(v);
        return s.Length == 1 ? s : "{" + s + "}";
    }

    public static string Number(double v)
    {
        var s = TextPrinter.FormatNumber(v);
        var e = s.IndexOfAny(['E', 'e']);
        if (e < 0) return s;
        var mantissa = s[..e];
        var exponent = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return (mantissa == "1" ? "" : mantissa + " \\times ") + "10^{" + exponent.ToString(CultureInfo.InvariantCulture) + "}";
    }
}
