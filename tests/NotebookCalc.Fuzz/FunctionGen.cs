using System.Globalization;

namespace NotebookCalc.Fuzz;

/// <summary>
/// Random well-shaped scalar functions written as matcalc text (so they go through the lexer, parser and binder too),
/// built by shape: every subexpression is generated for the shape it must have. Matrix powers are bounded by
/// <see cref="MaxPower"/> (issue 12: tr(X^k) for large k runs away; that is a finding, not something to hit 2,000 times).
/// </summary>
public sealed class FunctionGen(Random random, int maxDepth = 4)
{
    public const int MaxPower = 6;

    /// <summary>The declarations every generated function is read with: two dimensions, variables and constants of each shape.</summary>
    public const string Where =
        "X: n x n; Y: n x n; W: n x m; V: m x n; x: n; y: n; z: m; s: scalar; t: scalar; " +
        "A: n x n; B: n x n; C: n x m; S: n x n spd; P: n x m positive; Q: m x m symmetric; K: 2 x 3";

    /// <summary>The names one may differentiate with respect to (the rest are constants of the function).</summary>
    public static readonly string[] Variables = ["X", "Y", "W", "V", "x", "y", "z", "s", "t"];

    private enum K { S, NN, NM, MN, MM, N1, M1 }

    public string Scalar() => Gen(K.S, maxDepth);

    private int Next(int n) => random.Next(n);

    private T Pick<T>(params T[] items) => items[random.Next(items.Length)];

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private string Gen(K k, int depth)
    {
        if (depth <= 0 || Next(4) == 0) return Leaf(k);
        // Bracketed, so that a sum or a transpose stays one operand wherever it is put (the printer drops what is redundant).
        return "(" + (k == K.S ? ScalarNode(depth - 1) : MatrixNode(k, depth - 1)) + ")";
    }

    private string Leaf(K k) => k switch
    {
        K.S => Pick("s", "t", "2", "3", "0.5", "1.5", "tr(X)", "(x' y)", "s^2"),
        K.NN => Pick("X", "Y", "A", "B", "S", "X", "Y", "I"),
        K.NM => Pick("W", "C", "P", "W"),
        K.MN => Pick("V", "W'", "C'"),
        K.MM => Pick("Q", "(W' W)", "(V V')", "Q"),
        K.N1 => Pick("x", "y", "x", "(W z)"),
        _ => Pick("z", "(W' x)", "z"),
    };

    private static (K Rows, K Cols) Split(K k) => k switch
    {
        K.NN => (K.N1, K.N1),
        K.NM => (K.N1, K.M1),
        K.MN => (K.M1, K.N1),
        K.MM => (K.M1, K.M1),
        K.N1 => (K.N1, K.S),
        K.M1 => (K.M1, K.S),
        _ => (K.S, K.S),
    };

    /// <summary>The square kind with k's rows (the left factor of a product), and with k's columns.</summary>
    private static K Square(K side) => side == K.N1 ? K.NN : side == K.M1 ? K.MM : K.S;

    private static K Transposed(K k) => k switch { K.NM => K.MN, K.MN => K.NM, _ => k };

    private string ScalarNode(int d)
    {
        switch (Next(24))
        {
            case 0: return $"tr({Gen(K.NN, d)})";
            case 1: return $"tr({Gen(K.MM, d)})";
            case 2: return $"({Gen(K.NM, d)}) : ({Gen(K.NM, d)})";
            case 3: return $"det({Gen(K.NN, d)})";
            case 4: return $"logdet(S + {Gen(K.NN, d)} {Gen(K.NN, d)}')";
            case 5: return $"norm({Gen(K.NM, d)})^2";
            case 6: return $"{Gen(K.N1, d)}' {Gen(K.NN, d)} {Gen(K.N1, d)}";
            case 7: return $"({Gen(K.S, d)}) / (1 + ({Gen(K.S, d)})^2)";
            case 8: return $"{Gen(K.S, d)} + {Gen(K.S, d)}";
            case 9: return $"{Gen(K.S, d)} - {Gen(K.S, d)}";
            case 10: return $"({Gen(K.S, d)}) ({Gen(K.S, d)})";
            case 11: return $"({Gen(K.S, d)})^{Next(MaxPower) + 1}";
            case 12: return $"sum({Gen(Pick(K.NM, K.NN, K.N1), d)})";
            case 13: return $"{Pick("exp", "tanh", "sigmoid", "sin", "cos")}({Gen(K.S, d)})";
            case 14: return $"log(1 + ({Gen(K.S, d)})^2)";
            case 15: return $"norm({Gen(Pick(K.NM, K.N1), d)})";
            case 16: return $"-({Gen(K.S, d)})";
            case 17: return $"{Gen(K.S, d)} - {Num(Pick(2, 0.5, 1e-3))}";
            case 18: return $"tr({Gen(K.NN, d)}^{Next(MaxPower) + 1})";
            case 19: return $"vec({Gen(K.NM, d)})' vec({Gen(K.NM, d)})";
            case 20: return $"tr(kron({Gen(K.NN, d)}, {Gen(K.MM, d)}))";
            case 21: return $"sum(diag({Gen(K.NN, d)}) .* {Gen(K.N1, d)})";
            case 22: return $"sqrt(1 + norm({Gen(K.NM, d)})^2)";
            default: return $"sum(softmax({Gen(K.NM, d)}) .* P)";
        }
    }

    private string MatrixNode(K k, int d)
    {
        var (r, c) = Split(k);
        var square = k is K.NN or K.MM;
        switch (Next(17))
        {
            case 0: return $"{Gen(k, d)} + {Gen(k, d)}";
            case 1: return $"{Gen(k, d)} - {Gen(k, d)}";
            case 2: return $"{Gen(Square(r), d)} ({Gen(k, d)})";
            case 3: return k is K.N1 or K.M1 ? $"{Gen(Square(r), d)} {Gen(k, d)}" : $"({Gen(k, d)}) {Gen(Square(c), d)}";
            case 4: return $"{Gen(K.S, d)} ({Gen(k, d)})";
            case 5: return k is K.N1 or K.M1 ? $"{Gen(k, d)} .* {Gen(k, d)}" : $"({Gen(Transposed(k), d)})'";
            case 6: return $"({Gen(k, d)}) .* ({Gen(k, d)})";
            case 7: return $"{Pick("exp", "tanh", "sigmoid", "sin", "cos")}({Gen(k, d)})";
            case 8: return $"log(1 + ({Gen(k, d)}).^2)";
            case 9: return square ? $"inv({(k == K.NN ? "S" : "Q Q + I")} + ({Gen(k, d)}) ({Gen(k, d)})')" : $"softmax({Gen(k, d)})";
            case 10: return square ? $"({Gen(k, d)})^{Next(MaxPower) + 1}" : $"({Gen(k, d)}).^{Next(3) + 2}";
            case 11: return $"{Gen(k, d)} + {Gen(K.S, d)}";
            case 12: return $"({Gen(k, d)}) / (2 + {Gen(K.S, d)}^2)";
            case 13: return k == K.NN ? $"diag({Gen(K.N1, d)})" : $"-{Gen(k, d)}";
            case 14: return k switch
            {
                K.N1 => $"diag({Gen(K.NN, d)})",
                K.NN => $"{Gen(K.N1, d)} {Gen(K.N1, d)}'",
                K.NM => $"({Gen(k, d)}) ./ (2 + P .* P)",
                K.MN => $"({Gen(k, d)}) ./ (2 + P' .* P')",
                _ => $"-{Gen(k, d)}",
            };
            case 15: return $"sqrt(1 + ({Gen(k, d)}).^2)";
            default: return $"abs({Gen(k, d)})";
        }
    }
}
