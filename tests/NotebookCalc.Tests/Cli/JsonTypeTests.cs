using System.Text.Json;

namespace NotebookCalc.Tests.Cli;

/// <summary>Every JSON field (a path of names; array elements share one) has one type across commands (LANGUAGE.md §5).</summary>
public class JsonTypeTests
{
    private static void Collect(JsonElement e, string path, Dictionary<string, HashSet<JsonValueKind>> kinds)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    // Keys that are names (symbols, dimensions) are data, not fields.
                    var field = path.EndsWith("sizes", StringComparison.Ordinal) || path.EndsWith("values", StringComparison.Ordinal) ? path + ".*" : path + "." + p.Name;
                    if (p.Value.ValueKind is not (JsonValueKind.Null))
                    {
                        var kind = p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? JsonValueKind.True : p.Value.ValueKind;
                        (kinds.TryGetValue(field, out var set) ? set : kinds[field] = []).Add(kind);
                    }
                    Collect(p.Value, field, kinds);
                }
                break;
            case JsonValueKind.Array:
                foreach (var x in e.EnumerateArray()) Collect(x, path, kinds);
                break;
        }
    }

    private static string LastName(string path) => path[(path.LastIndexOf('.') + 1)..];

    [Fact]
    public void Every_field_has_one_type_across_show_eval_gradient_and_check()
    {
        var dir = Directory.CreateTempSubdirectory("matcalc-json-");
        try
        {
            var values = Path.Combine(dir.FullName, "v.json");
            File.WriteAllText(values, """{"A": [[1, 2], [3, 4]], "x": [1, 2], "s": 0.5}""");
            var runs = new[]
            {
                CliTests.Run("show", "x' A x + s", "--where", "A: n x n; x: n", "--format", "json"),
                CliTests.Run("show", "W W", "--where", "W: n x m", "--format", "json"),
                CliTests.Run("eval", "x' A x + s", "--at", values, "--format", "json"),
                CliTests.Run("eval", "A x", "--at", values, "--format", "json"),
                CliTests.Run("eval", "inv(A - A)", "--at", values, "--format", "json"),
                CliTests.Run("gradient", "x' A x", "--wrt", "x", "--where", "A: n x n; x: n", "--format", "json"),
                CliTests.Run("gradient", "x' A x", "--wrt", "x", "--at", values, "--format", "json"),
                CliTests.Run("check", "x' A x", "--wrt", "x", "--claim", "2 A x", "--where", "A: n x n; x: n", "--format", "json"),
                CliTests.Run("check", "x' A x", "--wrt", "x", "--claim", "2 A x", "--where", "A: n x n; x: n", "--format", "json", "--answer", "hidden"),
                CliTests.Run("check", "x' A x", "--wrt", "x", "--claim", "(A + A') x", "--where", "A: n x n; x: n", "--format", "json"),
            };
            var kinds = new Dictionary<string, HashSet<JsonValueKind>>(StringComparer.Ordinal);
            foreach (var (_, stdout, _) in runs)
            {
                using var doc = JsonDocument.Parse(stdout);
                Collect(doc.RootElement, "", kinds);
            }
            Assert.Contains(".shape.rows", kinds.Keys); // show's and eval's
            // A field is its path (array elements share one); "value" is a number or a matrix by the documented rule.
            var mixed = kinds.Where(k => k.Value.Count > 1 && LastName(k.Key) is not ("value" or "*")).Select(k => $"{k.Key}: {string.Join(", ", k.Value)}").ToList();
            Assert.True(mixed.Count == 0, "fields with more than one type: " + string.Join("; ", mixed));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
