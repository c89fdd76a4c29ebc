using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Benchmarks;

/// <summary>Command parsing and reply writing: the per-command cost of the control channel.</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private static readonly byte[] Retr = "RETR /pub/dir10k/file00042.txt\r\n"u8.ToArray();
    private static readonly byte[] Noop = "NOOP\r\n"u8.ToArray();
    private static readonly byte[] Pipelined = "USER alice\r\nPASS secret\r\nTYPE I\r\nEPSV\r\nRETR file.bin\r\nQUIT\r\n"u8.ToArray();
    private readonly ArrayBufferWriter<byte> _output = new(4096);

    [Benchmark]
    public string ParseNoop() => ParseOne(Noop);

    [Benchmark]
    public string ParseRetr() => ParseOne(Retr);

    [Benchmark]
    public int ParsePipelined()
    {
        var buffer = new ReadOnlySequence<byte>(Pipelined);
        var count = 0;
        while (CommandParser.TryParse(ref buffer, 4096, out _) == ParseStatus.Complete)
        {
            count++;
        }

        return count;
    }

    [Benchmark]
    public int WriteReply()
    {
        _output.ResetWrittenCount();
        ReplyWriter.Write(_output, 226, "Transfer complete.");
        return _output.WrittenCount;
    }

    [Benchmark]
    public string NormalisePath()
    {
        VirtualPath.TryResolve("/pub/dir10k", "../dir10k/./file00042.txt", 1024, out var path);
        return path;
    }

    [Benchmark]
    public int FormatListLine()
    {
        _output.ResetWrittenCount();
        ListingFormatter.WriteListLine(_output, Entry, Now);
        return _output.WrittenCount;
    }

    private static readonly FtpFileInfo Entry = new("file00042.txt", false, 64, new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static string ParseOne(byte[] line)
    {
        var buffer = new ReadOnlySequence<byte>(line);
        CommandParser.TryParse(ref buffer, 4096, out var request);
        return request.Verb;
    }
}
