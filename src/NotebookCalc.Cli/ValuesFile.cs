using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Text;

namespace NotebookCalc.Cli;

/// <summary>Reads VALUES.json: {"W": [[1,2],[3,4]], "s": 0.5, "y": [1,2]} (matrix = list of rows, vector = flat list).</summary>
public static class ValuesFile
{
    public static Dictionary<string, Matrix<double>> Parse(string json, string origin)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw Error(json, $"{origin} is not valid JSON: {ex.Message}", (int)(ex.BytePositionInLine ?? 0), ex.LineNumber ?? 0);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Error(json, $"{origin} must be a JSON object mapping symbol names to numbers, vectors or matrices.", 0, 0);
            var result = new Dictionary<string, Matrix<double>>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                var name = Syntax.Greek.Normalize(NormalizeName(p.Name));
                result[name] = ToMatrix(p.Name, p.Value, json, origin);
            }
            return result;
        }
    }

    private static string NormalizeName(string name)
    {
        var diagnostics = new List<Diagnostic>();
        var tokens = Syntax.Lexer.Tokenize(name, diagnostics);
        return diagnostics.Count == 0 && tokens.Count == 2 && tokens[0].Kind == Syntax.TokenKind.Identifier ? tokens[0].Text : name;
    }

    private static Matrix<double> ToMatrix(string name, JsonElement e, string json, string origin)
    {
        var M = Matrix<double>.Build;
        switch (e.ValueKind)
        {
            case JsonValueKind.Number:
                return M.Dense(1, 1, Finite(name, e, json, origin));
            case JsonValueKind.Array when e.GetArrayLength() == 0:
                throw Error(json, $"The value of {name} in {origin} is an empty list.", 0, 0);
            case JsonValueKind.Array when e[0].ValueKind == JsonValueKind.Number:
            {
                var v = e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? Finite(name, x, json, origin)
                    : throw Error(json, $"The vector {name} in {origin} mixes numbers with other values.", 0, 0)).ToArray();
                return M.Dense(v.Length, 1, v);
            }
            case JsonValueKind.Array:
            {
                var rows = e.EnumerateArray().Select(r => r.ValueKind == JsonValueKind.Array
                    ? r.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? Finite(name, x, json, origin)
                        : throw Error(json, $"The matrix {name} in {origin} has an entry that is not a number.", 0, 0)).ToArray()
                    : throw Error(json, $"The matrix {name} in {origin} must be a list of rows (lists of numbers).", 0, 0)).ToArray();
                if (rows.Any(r => r.Length != rows[0].Length || r.Length == 0))
                    throw Error(json, $"The rows of {name} in {origin} have different lengths ({string.Join(", ", rows.Select(r => r.Length))}).", 0, 0);
                return M.DenseOfRowArrays(rows);
            }
            default:
                throw Error(json, $"The value of {name} in {origin} must be a number, a list (vector) or a list of rows (matrix).", 0, 0);
        }
    }

    private static double Finite(string name, JsonElement e, string json, string origin)
    {
        if (!e.TryGetDouble(out var v) || !double.IsFinite(v))
            throw Error(json, $"{name} in {origin} has a number that is out of range: {e.GetRawText()}.", 0, 0);
        return v;
    }

    private static MatcalcException Error(string json, string message, int column, long line) =>
        new("", Diagnostic.Error("MC3007", new TextSpan(0, 0), message,
            "Write values as {\"W\": [[1,2],[3,4]], \"s\": 0.5, \"y\": [1,2]}."));
}
