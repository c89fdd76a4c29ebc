namespace Ftp.Embedded;

/// <summary>The shared tree behind every view of one <see cref="InMemoryFileSystem"/>.</summary>
internal sealed class InMemoryStore(TimeProvider timeProvider)
{
    public object Lock { get; } = new();

    public InMemoryDirectory Root { get; } = new("/", timeProvider.GetUtcNow());

    public DateTimeOffset Now => timeProvider.GetUtcNow();
}

internal abstract class InMemoryNode(string name, DateTimeOffset modified)
{
    public string Name { get; set; } = name;

    public DateTimeOffset Modified { get; set; } = modified;

    /// <summary>The permission bits SITE CHMOD set, or <see langword="null"/> for the listing default.</summary>
    public int? UnixMode { get; set; }
}

internal sealed class InMemoryDirectory(string name, DateTimeOffset modified) : InMemoryNode(name, modified)
{
    public SortedDictionary<string, InMemoryNode> Children { get; } = new(StringComparer.Ordinal);
}

internal sealed class InMemoryFile(string name, DateTimeOffset modified) : InMemoryNode(name, modified)
{
    public FileContent Content { get; set; } = FileContent.Empty;
}

/// <summary>
/// An immutable view of a file's bytes: chunks plus a length. Bytes below <see cref="Length"/> are never changed
/// again, so readers need no lock; a writer copies the one chunk it would change and appends new ones.
/// </summary>
internal sealed class FileContent(byte[][] chunks, long length)
{
    public const int ChunkSize = 64 * 1024;

    public static FileContent Empty { get; } = new([], 0);

    public byte[][] Chunks { get; } = chunks;

    public long Length { get; } = length;

    /// <summary>The first <paramref name="length"/> bytes, with the last partial chunk copied so a writer may fill it.</summary>
    public ChunkBuilder Truncate(long length)
    {
        var full = (int)(length / ChunkSize);
        var rest = (int)(length % ChunkSize);
        var list = new List<byte[]>(full + 1);
        list.AddRange(Chunks.Take(full));
        if (rest > 0)
        {
            var copy = new byte[ChunkSize];
            Chunks[full].AsSpan(0, rest).CopyTo(copy);
            list.Add(copy);
        }

        return new ChunkBuilder(list, length);
    }
}

/// <summary>A writer's private, growing content.</summary>
internal sealed class ChunkBuilder(List<byte[]> chunks, long length)
{
    public long Length { get; private set; } = length;

    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var index = (int)(Length / FileContent.ChunkSize);
            var offset = (int)(Length % FileContent.ChunkSize);
            if (index == chunks.Count)
            {
                chunks.Add(new byte[FileContent.ChunkSize]);
            }

            var count = Math.Min(data.Length, FileContent.ChunkSize - offset);
            data[..count].CopyTo(chunks[index].AsSpan(offset));
            data = data[count..];
            Length += count;
        }
    }

    public FileContent Snapshot() => new([.. chunks], Length);
}

internal sealed class InMemoryReadStream(FileContent content) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => content.Length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        while (!buffer.IsEmpty && _position < content.Length)
        {
            var index = (int)(_position / FileContent.ChunkSize);
            var offset = (int)(_position % FileContent.ChunkSize);
            var count = (int)Math.Min(Math.Min(buffer.Length, FileContent.ChunkSize - offset), content.Length - _position);
            content.Chunks[index].AsSpan(offset, count).CopyTo(buffer);
            buffer = buffer[count..];
            _position += count;
            total += count;
        }

        return total;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => content.Length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

internal sealed class InMemoryWriteStream(InMemoryStore store, InMemoryFile file, ChunkBuilder builder) : Stream
{
    private bool _disposed;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed;

    public override long Length => builder.Length;

    public override long Position { get => builder.Length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        builder.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
        if (_disposed)
        {
            return;
        }

        var snapshot = builder.Snapshot();
        lock (store.Lock)
        {
            file.Content = snapshot;
            file.Modified = store.Now;
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        Flush();
        _disposed = true;
        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
