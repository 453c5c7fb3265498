using System.Globalization;
using System.Text;
using NotebookCalc.Semantics;
using NotebookCalc.Syntax;

namespace NotebookCalc.Rendering;

/// <summary>
/// Prints an expression as matcalc text (ASCII) that parses back to an equal tree, with minimal parentheses.
/// Levels and operator spellings come from <see cref="OperatorFacts"/>, the table the parser binds by.
/// </summary>
public static partial class TextPrinter
{
    internal const int Frob = Precedence.Frobenius, Sum = Precedence.Sum, Prod = Precedence.Product, Unary = Precedence.Unary,
        Postfix = Precedence.Postfix, Atom = Precedence.Atom;

    public static string Print(Expr e)
    {
        var sb = new StringBuilder();
        Write(sb, e, 0);
        return sb.ToString();
    }

    /// <summary>The precedence level of the operator at the root of e as printed.</summary>
    internal static int Level(Expr e) => e switch
    {
        Frobenius or Calculus.JacobianApply or Calculus.JacobianAdjoint => Frob,
        Add => Sum,
        MatMul or Scale or Divide or Hadamard or HadamardDiv => Prod,
        Neg => Unary,
        Number n => n.Value < 0 ? Unary : Atom,
        Broadcast => Prod,
        Transpose or Power or HadamardPower => Postfix,
        _ => Atom,
    };

    /// <summary>True when the printed form starts with a minus sign (must be bracketed unless it comes first).</summary>
    internal static bool StartsWithMinus(Expr e) => e switch
    {
        Neg => true,
        Number n => n.Value < 0 || (n.Value == 0 && double.IsNegative(n.Value)),
        Broadcast b => StartsWithMinus(b.Value),
        Add or Frobenius or MatMul or Scale or Divide or Hadamard or HadamardDiv => StartsWithMinus(((BinaryExpr)e).Left),
        Transpose or Power or HadamardPower => StartsWithMinus(((UnaryExpr)e).Arg),
        _ => false,
    };

    /// <param name="bare">The operand of + - .* ./, where a broadcast scalar is written bare (the parser broadcasts it back).</param>
    private static void Write(StringBuilder sb, Expr e, int minLevel, bool notFirst = false, bool bare = false)
    {
        // Nodes the language cannot spell (unvec, Kronecker adjoints, ones of size kn) are written as equal expressions it can.
        for (var lowered = Expressible.LowerNode(e); !ReferenceEquals(lowered, e); lowered = Expressible.LowerNode(e)) e = lowered;
        if (e is Broadcast b && bare)
        {
            Write(sb, b.Value, minLevel, notFirst);
            return;
        }
        var level = Level(e);
        var paren = level < minLevel || (notFirst && StartsWithMinus(e) && level < Atom);
        if (paren) sb.Append('(');
        WriteCore(sb, e);
        if (paren) sb.Append(')');
    }

    private static void WriteCore(StringBuilder sb, Expr e)
    {
        switch (e)
        {
            case Symbol s: sb.Append(s.Name); break;
            case Number n: sb.Append(FormatNumber(n.Value)); break;
            case Identity i: sb.Append($"I_{i.Dimension}"); break;
            case ZeroMatrix z: sb.Append($"{BuiltinFunctions.Zeros.Text}({z.Shape.Rows}, {z.Shape.Cols})"); break;
            case Ones o: sb.Append(o.Shape.Cols.IsOne ? $"{BuiltinFunctions.Ones.Text}({o.Shape.Rows})" : $"{BuiltinFunctions.Ones.Text}({o.Shape.Rows}, {o.Shape.Cols})"); break;
            case Broadcast b:
                // Bare only where the parser broadcasts (operands of + - .* ./); elsewhere the all-ones matrix is explicit.
                sb.Append('(');
                Write(sb, b.Value, 0);
                sb.Append(") ");
                Write(sb, new Ones(b.Shape), Prod + 1);
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
                        sb.Append(" - ").Append(FormatNumber(-num.Value));
                        break;
                    case Broadcast { Value: Number { Value: < 0 } bn }:
                        sb.Append(" - ").Append(FormatNumber(-bn.Value));
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
            case Frobenius f: Infix(sb, f.L, OperatorFacts.Frobenius.Text, f.R, Sum + 1); break; // a sum beside : is bracketed for the reader, though : binds loosest
            case MatMul m: Juxtapose(sb, m.L, m.R); break;
            case Scale s: Juxtapose(sb, s.Factor, s.A); break;
            case Divide d: Infix(sb, d.Numerator, OperatorFacts.Divide.Text, d.Denominator, Prod); break;
            case Hadamard h: Infix(sb, h.L, OperatorFacts.Hadamard.Text, h.R, Prod, broadcast: true); break;
            case HadamardDiv h: Infix(sb, h.L, OperatorFacts.HadamardDiv.Text, h.R, Prod, broadcast: true); break;
            case Transpose t: Write(sb, t.A, Postfix); sb.Append('\''); break;
            case Power p: Write(sb, p.A, Postfix + 1); sb.Append('^').Append(FormatExponent(p.Exponent)); break;
            case HadamardPower p: Write(sb, p.A, Postfix + 1); sb.Append(".^").Append(FormatExponent(p.Exponent)); break;
            case Inverse i: Call(sb, BuiltinFunctions.Inv, i.A); break;
            case Kron k:
                sb.Append(BuiltinFunctions.Kron.Text).Append('(');
                Write(sb, k.L, 0);
                sb.Append(", ");
                Write(sb, k.R, 0);
                sb.Append(')');
                break;
            case Trace t: Call(sb, BuiltinFunctions.Trace, t.A); break;
            case Det d: Call(sb, BuiltinFunctions.Det, d.A); break;
            case LogDet l: Call(sb, BuiltinFunctions.LogDet, l.A); break;
            case Elementwise f: Call(sb, Builtin(f.Fn), f.A); break;
            case Softmax s: Call(sb, s.Rows ? BuiltinFunctions.SoftmaxRows : BuiltinFunctions.Softmax, s.A); break;
            case SumAll s: Call(sb, BuiltinFunctions.Sum, s.A); break;
            case DiagMatrix d: Call(sb, BuiltinFunctions.Diag, d.A); break;
            case DiagVector d: Call(sb, BuiltinFunctions.Diag, d.A); break;
            case Vec v: Call(sb, BuiltinFunctions.Vec, v.A); break;
            case Norm n: Call(sb, n.Kind == NormKind.One ? BuiltinFunctions.Norm1 : BuiltinFunctions.Norm, n.A); break;
            case OpaqueCall c: Call(sb, c.Function, c.Arg); break;
            case Calculus.Differential { Of: Symbol s }: sb.Append('d').Append(s.Name); break;
            case Calculus.Differential d: Call(sb, "d", d.Of); break;
            case Calculus.JacobianApply j:
                sb.Append($"d{j.Function}/d{TextPrinter.Print(j.Arg)} : ");
                Write(sb, j.Direction, Frob + 1, notFirst: true);
                break;
            case Calculus.JacobianAdjoint j:
                Write(sb, j.Cotangent, Postfix);
                sb.Append($" : d{j.Function}/d{TextPrinter.Print(j.Arg)}");
                break;
            case Calculus.Order o: sb.Append(o.Power == 1 ? "O(ε)" : $"O(ε^{o.Power})"); break;
            case Calculus.Commutation k: sb.Append($"K_({k.M},{k.N})"); break;
            case Calculus.PowerSum ps:
                // Σ_{i=0}^{k-1} A^i C A^(k-1-i), as the language writes it (LaTeX and MathML draw the summation).
                sb.Append(BuiltinFunctions.PowerSum.Text).Append('(');
                Write(sb, ps.Base, 0);
                sb.Append(", ");
                Write(sb, ps.Inner, 0);
                sb.Append(", ").Append(ps.K).Append(')');
                break;
            default: throw new NotSupportedException($"cannot print {e.GetType().Name}");
        }
    }

    /// <summary>The table entry of an entrywise function: its spellings in every printer.</summary>
    public static BuiltinFunction Builtin(ElementwiseFn fn) =>
        BuiltinFunctions.TryGet(fn.ToString().ToLowerInvariant(), out var f) ? f : throw new InvalidOperationException($"{fn} is not in BuiltinFunctions");

    public static string FunctionName(ElementwiseFn fn) => Builtin(fn).Text;

    private static void Call(StringBuilder sb, BuiltinFunction function, Expr arg) => Call(sb, function.Text, arg);

    private static void Call(StringBuilder sb, string name, Expr arg)
    {
        sb.Append(name).Append('(');
        Write(sb, arg, 0);
        sb.Append(')');
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
        // Two numbers side by side would read as one: use an explicit *.
        sb.Append(right.Length > 0 && (char.IsAsciiDigit(right[0]) || right[0] == '.') ? " * " : " ");
        sb.Append(right);
    }

    /// <summary>An exponent: exact fractions as (p/q), so det(X)^(1/3) reads and parses back as written.</summary>
    public static string FormatExponent(double v) =>
        Rational.IsFraction(v, out var p, out var q) ? $"({p.ToString(CultureInfo.InvariantCulture)}/{q.ToString(CultureInfo.InvariantCulture)})" : FormatNumber(v);

    public static string FormatNumber(double v)
    {
        if (v == Math.Floor(v) && Math.Abs(v) < 1e15) return ((long)v).ToString(CultureInfo.InvariantCulture);
        return v.ToString("R", CultureInfo.InvariantCulture);
    }
}
