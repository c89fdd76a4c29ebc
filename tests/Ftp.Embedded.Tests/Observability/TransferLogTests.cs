using System.Net;
using System.Text;
using Ftp.Embedded.Internal.Observability;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Tests.Observability;

public class TransferLogTests
{
    private static readonly TransferLogEntry Download = new(
        new DateTimeOffset(2004, 3, 4, 8, 12, 30, TimeSpan.Zero), TimeSpan.FromSeconds(0.2), IPAddress.Parse("202.156.2.166"),
        492, "/home/bob/.bash_history", Binary: true, FtpTransferDirection.Download, Anonymous: false, "bob", Completed: true);

    [Fact]
    public void A_line_has_the_fourteen_xferlog_fields()
    {
        TransferLog.Format(Download).Should().Be("Thu Mar  4 08:12:30 2004 1 202.156.2.166 492 /home/bob/.bash_history b _ o r bob ftp 0 * c");
    }

    [Fact]
    public void Fields_follow_the_entry()
    {
        var upload = Download with
        {
            Time = new DateTimeOffset(2025, 12, 25, 23, 5, 9, TimeSpan.FromHours(2)),
            Duration = TimeSpan.FromSeconds(62.9),
            RemoteAddress = IPAddress.Parse("2001:db8::7"),
            Bytes = 0,
            Path = "/pub/incoming/a b\tc.txt",
            Binary = false,
            Direction = FtpTransferDirection.Upload,
            Anonymous = true,
            UserName = "anonymous",
            Completed = false,
        };

        // The day of the month takes two places; the clock time is the entry's own; seconds are whole (truncated);
        // spaces become '_' and control characters '?' so the line still splits into fourteen fields.
        TransferLog.Format(upload).Should().Be("Thu Dec 25 23:05:09 2025 62 2001:db8::7 0 /pub/incoming/a_b?c.txt a _ i a anonymous ftp 0 * i");
    }

    [Fact]
    public async Task The_file_gets_utf8_lines_ending_in_a_line_feed()
    {
        var directory = Directory.CreateTempSubdirectory("ftp-xferlog-");
        try
        {
            var path = Path.Combine(directory.FullName, "xferlog");
            await File.WriteAllTextAsync(path, "earlier line\n");
            var log = TransferLog.Open(path, new CapturingLogger());
            log.TryWrite(Download).Should().BeTrue();
            log.TryWrite(Download with { Path = "/été.txt", Completed = false }).Should().BeTrue();
            await log.CloseAsync(TimeSpan.FromSeconds(10));
            log.TryWrite(Download).Should().BeFalse("the log is closed");

            (await File.ReadAllBytesAsync(path)).Should().Equal(Encoding.UTF8.GetBytes(
                "earlier line\n" +
                "Thu Mar  4 08:12:30 2004 1 202.156.2.166 492 /home/bob/.bash_history b _ o r bob ftp 0 * c\n" +
                "Thu Mar  4 08:12:30 2004 1 202.156.2.166 492 /été.txt b _ o r bob ftp 0 * i\n"));
            log.Dropped.Should().Be(0);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Lines_that_cannot_be_written_are_counted_and_logged()
    {
        var directory = Directory.CreateTempSubdirectory("ftp-xferlog-");
        var path = Path.Combine(directory.FullName, "xferlog");
        var logger = new CapturingLogger();
        var log = TransferLog.Open(path, logger);
        directory.Delete(recursive: true);

        log.TryWrite(Download).Should().BeTrue("queuing never waits for the disk");
        log.TryWrite(Download).Should().BeTrue();
        await log.CloseAsync(TimeSpan.FromSeconds(10));

        log.Dropped.Should().Be(2);
        logger.EventIds.Should().Contain(17).And.Contain(16);
    }

    [Fact]
    public void Open_fails_when_the_file_cannot_be_created()
    {
        var path = Path.Combine(Path.GetTempPath(), "ftp-no-such-dir-" + Guid.NewGuid().ToString("N"), "xferlog");
        var open = () => TransferLog.Open(path, new CapturingLogger());
        open.Should().Throw<DirectoryNotFoundException>();
    }

    private sealed class CapturingLogger : ILogger
    {
        private readonly List<int> _eventIds = [];

        public IReadOnlyList<int> EventIds
        {
            get
            {
                lock (_eventIds)
                {
                    return [.. _eventIds];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_eventIds)
            {
                _eventIds.Add(eventId.Id);
            }
        }
    }
}
