using System.Collections;
using System.Text.Json;

namespace Ftp.Embedded.Load;

/// <summary>Writes results as JSON from plain values: strings, numbers, booleans, lists and string-keyed dictionaries.</summary>
internal static class JsonOut
{
    public static void Write(string path, Dictionary<string, object?> document)
    {
        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            WriteValue(writer, document);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static Dictionary<string, object?> ToJson(TestResult r)
    {
        var d = new Dictionary<string, object?> { ["status"] = r.Status, ["value"] = r.Value, ["unit"] = r.Unit };
        if (r.Message is not null)
        {
            d["message"] = r.Message;
        }

        if (r.Detail is { Count: > 0 })
        {
            d["detail"] = r.Detail;
        }

        return d;
    }

    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case double d when double.IsFinite(d):
                w.WriteNumberValue(d);
                break;
            case double:
                w.WriteNullValue();
                break;
            case IDictionary dictionary:
                w.WriteStartObject();
                foreach (DictionaryEntry e in dictionary)
                {
                    w.WritePropertyName(e.Key.ToString() ?? "");
                    WriteValue(w, e.Value);
                }

                w.WriteEndObject();
                break;
            case IEnumerable list:
                w.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                w.WriteStringValue(value.ToString());
                break;
        }
    }
}
