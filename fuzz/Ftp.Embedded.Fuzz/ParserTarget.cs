using System.Buffers;
using System.Text;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Fuzz;

/// <summary>
/// Feeds the input to <see cref="CommandParser.TryParse"/> the way the session does: parse until Incomplete or
/// LineTooLong. The same bytes are parsed as one segment, as many segments (one byte each, cuts around every CR, LF and
/// IAC, pseudo-random cuts with empty segments) and as data that arrives in pieces; every way must give the same
/// commands, each step must consume exactly one line (or nothing), and each command must match a reference reading of
/// the line written from the parser's documentation.
/// </summary>
internal static class ParserTarget
{
    // The default limit, and the smallest one the options allow, which makes LineTooLong easy to reach.
    private static readonly int[] MaxLines = [4096, 64];

    public static void Run(byte[] input)
    {
        foreach (var maxLine in MaxLines)
        {
            var expected = ParseAll(new ReadOnlySequence<byte>(input), maxLine);
            CheckAgainstReference(expected, input);

            foreach (var (name, cuts) in Segmentations(input))
            {
                var actual = ParseAll(Segments.Build(input, cuts), maxLine);
                Compare(expected, actual, $"{name}, maxLine {maxLine}");
            }

            // Small pieces cost a parse of the whole unconsumed window per piece: keep them for small inputs.
            foreach (var chunk in input.Length <= 1024 ? [1, 2, 3, 7, 61, 1024] : new[] { 7, 61, 1024, 4096 })
            {
                Compare(expected, ParseArriving(input, maxLine, chunk), $"arriving in pieces of {chunk}, maxLine {maxLine}");
            }
        }
    }

    /// <summary>One parse step: what it returned and how many bytes it consumed.</summary>
    private readonly record struct Step(ParseStatus Status, string? Verb, string? Argument, long Consumed);

    private static List<Step> ParseAll(ReadOnlySequence<byte> buffer, int maxLine)
    {
        var steps = new List<Step>();
        while (true)
        {
            var step = ParseOne(ref buffer, maxLine);
            steps.Add(step);
            if (step.Status is ParseStatus.Incomplete or ParseStatus.LineTooLong)
            {
                return steps;
            }
        }
    }

    /// <summary>As the session: data arrives <paramref name="chunk"/> bytes at a time; the parser sees what is unconsumed.</summary>
    private static List<Step> ParseArriving(byte[] input, int maxLine, int chunk)
    {
        var steps = new List<Step>();
        var consumed = 0L;
        var received = 0;
        while (true)
        {
            received = Math.Min(input.Length, received + chunk);
            // The unconsumed bytes as the pipe would hold them: one segment per arrival.
            var cuts = new List<int>();
            for (var c = ((int)consumed / chunk + 1) * chunk; c < received; c += chunk)
            {
                cuts.Add(c - (int)consumed);
            }

            var window = input.AsSpan((int)consumed, received - (int)consumed).ToArray();
            var buffer = Segments.Build(window, cuts);
            while (true)
            {
                var step = ParseOne(ref buffer, maxLine);
                if (step.Status == ParseStatus.Incomplete && received < input.Length)
                {
                    break; // Read more.
                }

                steps.Add(step);
                if (step.Status is ParseStatus.Incomplete or ParseStatus.LineTooLong)
                {
                    return steps;
                }

                consumed += step.Consumed;
            }
        }
    }

    private static Step ParseOne(ref ReadOnlySequence<byte> buffer, int maxLine)
    {
        var before = buffer;
        ParseStatus status;
        FtpRequest request;
        try
        {
            status = CommandParser.TryParse(ref buffer, maxLine, out request);
        }
        catch (Exception ex)
        {
            throw new FuzzCheckException($"TryParse threw on {Describe(before)}", ex);
        }

        var consumed = before.Length - buffer.Length;
        var lf = IndexOfLf(before, maxLine);
        switch (status)
        {
            case ParseStatus.Complete or ParseStatus.InvalidUtf8:
                Check(lf >= 0, $"{status} without a LF within {maxLine} bytes: {Describe(before)}");
                Check(consumed == lf + 1, $"{status} consumed {consumed} bytes, the line is {lf + 1}: {Describe(before)}");
                Check(consumed > 0, "no progress");
                Check(buffer.End.Equals(before.End), "the end of the buffer moved");
                break;
            case ParseStatus.Incomplete:
                Check(consumed == 0 && buffer.Start.Equals(before.Start), "Incomplete consumed bytes");
                Check(lf < 0 && before.Length < maxLine, $"Incomplete with a full line or {before.Length} >= {maxLine} bytes: {Describe(before)}");
                break;
            case ParseStatus.LineTooLong:
                Check(consumed == 0 && buffer.Start.Equals(before.Start), "LineTooLong consumed bytes");
                Check(lf < 0 && before.Length >= maxLine, $"LineTooLong with a line end or only {before.Length} bytes: {Describe(before)}");
                break;
            default:
                throw new FuzzCheckException($"unknown status {status}");
        }

        if (status == ParseStatus.Complete)
        {
            Check(request.Verb is not null && request.Argument is not null, "null verb or argument");
            var verb = request.Verb ?? "";
            Check(verb.AsSpan().IndexOfAny(' ', '\n') < 0, $"verb '{verb}' holds a space or LF");
            Check(verb.Length <= 16, $"verb of {verb.Length} characters");
            Check(string.Equals(verb, verb.ToUpperInvariant(), StringComparison.Ordinal), $"verb '{verb}' is not upper case");
            Check(!(request.Argument ?? "").Contains('\n', StringComparison.Ordinal), "argument holds a LF");
        }

        return new Step(status, status == ParseStatus.Complete ? request.Verb : null, status == ParseStatus.Complete ? request.Argument : null, consumed);
    }

    /// <summary>The reference reading of each consumed line: Telnet removal, trailing CR, strict UTF-8, split at the first space.</summary>
    private static void CheckAgainstReference(List<Step> steps, byte[] input)
    {
        var offset = 0;
        foreach (var step in steps)
        {
            if (step.Status is ParseStatus.Incomplete or ParseStatus.LineTooLong)
            {
                break;
            }

            var line = input.AsSpan(offset, (int)step.Consumed - 1).ToArray();
            offset += (int)step.Consumed;
            var clean = RemoveTelnet(line);
            if (clean.Count > 0 && clean[^1] == (byte)'\r')
            {
                clean.RemoveAt(clean.Count - 1);
            }

            var bytes = clean.ToArray();
            var valid = System.Text.Unicode.Utf8.IsValid(bytes);
            Check(valid == (step.Status == ParseStatus.Complete), $"{step.Status} for a line whose UTF-8 validity is {valid}");
            if (!valid)
            {
                continue;
            }

            var space = Array.IndexOf(bytes, (byte)' ');
            var verb = space < 0 ? bytes : bytes[..space];
            var argument = space < 0 ? [] : bytes[(space + 1)..];
            Check(string.Equals(Encoding.UTF8.GetString(argument), step.Argument, StringComparison.Ordinal), $"argument '{step.Argument}' differs from the reference");
            if (verb.Length <= 8 && verb.All(b => b < 0x80))
            {
                Check(string.Equals(Encoding.ASCII.GetString(verb).ToUpperInvariant(), step.Verb, StringComparison.Ordinal), $"verb '{step.Verb}' differs from the reference");
            }
        }
    }

    /// <summary>RFC 854 as the parser documents it: IAC IAC is 0xFF, IAC WILL/WONT/DO/DONT x and IAC x (x >= 240) vanish.</summary>
    private static List<byte> RemoveTelnet(byte[] line)
    {
        var result = new List<byte>(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] != 0xFF)
            {
                result.Add(line[i]);
                continue;
            }

            if (i + 1 >= line.Length)
            {
                break;
            }

            var command = line[++i];
            if (command == 0xFF)
            {
                result.Add(0xFF);
            }
            else if (command is >= 251 and <= 254)
            {
                i++;
            }
            else if (command < 240)
            {
                result.Add(command);
            }
        }

        return result;
    }

    private static IEnumerable<(string Name, List<int> Cuts)> Segmentations(byte[] input)
    {
        if (input.Length <= 4096)
        {
            yield return ("one byte per segment", Enumerable.Range(1, Math.Max(0, input.Length - 1)).ToList());
        }

        var boundaries = new List<int>();
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] is (byte)'\r' or (byte)'\n' or 0xFF)
            {
                boundaries.Add(i);
                boundaries.Add(i + 1);
            }
        }

        yield return ("cuts around CR, LF and IAC", boundaries);

        // Deterministic pseudo-random cuts (the same input always splits the same way), repeated cuts make empty segments.
        var random = new Random(Fnv1a(input));
        for (var round = 0; round < 3; round++)
        {
            var cuts = new List<int>();
            var count = random.Next(1, 16);
            for (var i = 0; i < count; i++)
            {
                var cut = random.Next(0, input.Length + 1);
                cuts.Add(cut);
                if (random.Next(4) == 0)
                {
                    cuts.Add(cut);
                }
            }

            cuts.Sort();
            yield return ($"random cuts {string.Join(',', cuts)}", cuts);
        }
    }

    private static int Fnv1a(byte[] data)
    {
        var hash = 2166136261u;
        foreach (var b in data)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return unchecked((int)hash);
    }

    private static void Compare(List<Step> expected, List<Step> actual, string how)
    {
        Check(expected.Count == actual.Count, $"{how}: {actual.Count} steps instead of {expected.Count}");
        for (var i = 0; i < expected.Count; i++)
        {
            Check(expected[i] == actual[i], $"{how}: step {i} is {actual[i]} instead of {expected[i]}");
        }
    }

    private static long IndexOfLf(ReadOnlySequence<byte> buffer, int maxLine)
    {
        var i = 0L;
        foreach (var memory in buffer)
        {
            foreach (var b in memory.Span)
            {
                if (i >= maxLine)
                {
                    return -1;
                }

                if (b == (byte)'\n')
                {
                    return i;
                }

                i++;
            }
        }

        return -1;
    }

    private static string Describe(ReadOnlySequence<byte> buffer)
    {
        var bytes = buffer.Slice(0, Math.Min(buffer.Length, 80)).ToArray();
        return $"{buffer.Length} bytes starting {Convert.ToHexString(bytes)}";
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new FuzzCheckException(message);
        }
    }
}

/// <summary>Builds a multi-segment <see cref="ReadOnlySequence{T}"/> over an array.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>Splits <paramref name="data"/> at <paramref name="cuts"/> (sorted; repeats make empty segments).</summary>
    public static ReadOnlySequence<byte> Build(byte[] data, IReadOnlyList<int> cuts)
    {
        var first = default(Segments);
        var last = default(Segments);
        var start = 0;
        foreach (var cut in cuts.Append(data.Length))
        {
            var end = Math.Clamp(cut, start, data.Length);
            var segment = new Segments(data.AsMemory(start, end - start), start);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.Next = segment;
            }

            last = segment;
            start = end;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }
}

/// <summary>A broken invariant: reported to afl-fuzz as a crash.</summary>
internal sealed class FuzzCheckException : Exception
{
    public FuzzCheckException()
    {
    }

    public FuzzCheckException(string message) : base(message)
    {
    }

    public FuzzCheckException(string message, Exception inner) : base(message, inner)
    {
    }
}
