using System.Buffers;
using Ftp.Embedded.Internal.Proxy;

namespace Ftp.Embedded.Fuzz;

/// <summary>
/// Feeds the input to <see cref="ProxyHeaderParser.Parse"/> as one segment, as one-byte segments and with random cuts,
/// and as data that arrives byte by byte: every way must give the same result, the first decision while bytes arrive
/// must be the final one, a complete header must consume between 16 and 552 bytes of the input and parse the same on
/// its own (every shorter prefix of it being incomplete), and a proxied header must carry both endpoints.
/// </summary>
internal static class ProxyTarget
{
    public static void Run(byte[] input)
    {
        var expected = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(input));
        Check(expected, input);

        var byteByByte = Enumerable.Range(1, Math.Max(0, Math.Min(input.Length, ProxyHeaderParser.MaxHeaderLength + 1) - 1)).ToList();
        Same(expected, ProxyHeaderParser.Parse(Segments.Build(input, byteByByte)), "one-byte segments");
        var random = new Random(input.Length);
        var cuts = Enumerable.Range(0, 8).Select(_ => random.Next(input.Length + 1)).Order().ToList();
        Same(expected, ProxyHeaderParser.Parse(Segments.Build(input, cuts)), "random cuts");

        var limit = Math.Min(input.Length, ProxyHeaderParser.MaxHeaderLength);
        for (var n = 0; n <= limit; n++)
        {
            var partial = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(input, 0, n));
            if (partial.Status != ProxyHeaderStatus.Incomplete)
            {
                Same(expected, partial, $"first decision after {n} bytes");
                break;
            }
        }
    }

    private static void Check(ProxyHeaderResult result, byte[] input)
    {
        if (result.Status != ProxyHeaderStatus.Complete)
        {
            Fail(result.Consumed == 0 && (result.Status == ProxyHeaderStatus.Incomplete) == (result.Error is null), "incomplete/invalid result with bytes consumed or a wrong error", result);
            return;
        }

        Fail(result.Consumed is >= 15 and <= ProxyHeaderParser.MaxHeaderLength && result.Consumed <= input.Length, "consumed out of range", result);
        Fail(result.Kind != ProxyHeaderKind.Proxied || (result.Source is not null && result.Destination is not null), "proxied without endpoints", result);
        var header = input.AsMemory(0, (int)result.Consumed);
        Same(result, ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(header)), "the header alone");
        Fail(ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(header[..^1])).Status == ProxyHeaderStatus.Incomplete, "a header one byte short is not incomplete", result);
    }

    private static void Same(ProxyHeaderResult expected, ProxyHeaderResult actual, string how)
        => Fail(expected == actual, $"{how} gave {actual}", expected);

    private static void Fail(bool ok, string message, ProxyHeaderResult result)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"proxy: {message}; expected {result}");
        }
    }
}
