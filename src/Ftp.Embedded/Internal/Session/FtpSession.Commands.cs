using System.IO.Pipelines;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Commands;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Transport;

namespace Ftp.Embedded.Internal.Session;

/// <summary>The command loop: read a line, parse it, run its row of the command table, count it.</summary>
internal sealed partial class FtpSession
{
    // The command being executed: its verb as tagged in metrics, and whether it started a transfer, which then counts
    // the command with its own final reply.
    private string _commandVerb = "";
    private bool _commandHandedToTransfer;

    private enum LineOutcome
    {
        Command,
        Skip,
        Stop,
    }

    private async Task CommandLoopAsync()
    {
        while (true)
        {
            // A command read that waits resumes on the transport's event thread; ExecuteAsync leaves it before
            // anything that may block.
            _connection.InlineReads = true;
            ReadResult result;
            try
            {
                result = await _reader!.ReadAsync(Aborted).ConfigureAwait(false);
            }
            finally
            {
                _connection.InlineReads = false;
            }

            if (result.IsCanceled)
            {
                if (_closeReason is { } reason)
                {
                    await Reply(FtpReplyCode.ServiceNotAvailable, reason).ConfigureAwait(false);
                    return;
                }

                continue;
            }

            var (outcome, request) = await ParseAsync(result).ConfigureAwait(false);
            if (outcome == LineOutcome.Stop)
            {
                return;
            }

            if (outcome == LineOutcome.Command)
            {
                await ExecuteAsync(request).ConfigureAwait(false);
                if (await EndsAfterCommandAsync().ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Takes one command line from what was read; a line that is too long ends the session, bad UTF-8 is answered.</summary>
    private async ValueTask<(LineOutcome Outcome, FtpRequest Request)> ParseAsync(ReadResult result)
    {
        var maxLine = Context.Options.Limits.MaxLineLength;
        var buffer = result.Buffer;
        var status = CommandParser.TryParse(ref buffer, maxLine, out var request);
        switch (status)
        {
            case ParseStatus.Incomplete:
                _reader!.AdvanceTo(buffer.Start, buffer.End);
                return (result.IsCompleted ? LineOutcome.Stop : LineOutcome.Skip, request);
            case ParseStatus.LineTooLong:
                _reader!.AdvanceTo(buffer.Start, buffer.End);
                await Reply(FtpReplyCode.SyntaxError, $"Command line too long (the limit is {maxLine} bytes); closing.").ConfigureAwait(false);
                return (LineOutcome.Stop, request);
            case ParseStatus.InvalidUtf8:
                _reader!.AdvanceTo(buffer.Start);
                _timeouts.Touch();
                await Reply(FtpReplyCode.SyntaxErrorInArguments, "Command is not valid UTF-8.").ConfigureAwait(false);
                return (LineOutcome.Skip, request);
            default:
                _reader!.AdvanceTo(buffer.Start);
                return (LineOutcome.Command, request);
        }
    }

    /// <summary>After a command: the session ends when the command ended it, or with 421 when a close is pending and no transfer runs.</summary>
    private async ValueTask<bool> EndsAfterCommandAsync()
    {
        if (_closing)
        {
            return true;
        }

        if (_closeReason is { } closing && !IsTransferRunning)
        {
            await Reply(FtpReplyCode.ServiceNotAvailable, closing).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    private async ValueTask ExecuteAsync(FtpRequest request)
    {
        var command = BeginCommand(request);
        if (!RunsInline(command))
        {
            await IoThread.LeaveAsync();
        }

        try
        {
            FtpLog.Command(Context.Logger, Info.Id, request.Verb, request.Verb == "PASS" ? "****" : request.Argument);
            if (command is null)
            {
                await ReplyUnknownAsync(request).ConfigureAwait(false);
                return;
            }

            if (await AdmitAsync(command).ConfigureAwait(false))
            {
                await RunHandlerAsync(command, request, TakePending(command)).ConfigureAwait(false);
            }
        }
        finally
        {
            EndCommand();
        }
    }

    /// <summary>
    /// Whether the command may run where its line was read (an event thread): only commands that touch neither the
    /// filesystem nor an application seam (authentication, events, a custom data-channel policy, client certificates).
    /// </summary>
    private bool RunsInline(CommandDefinition? command) => command is null || (command.Flags.HasFlag(CommandFlags.Inline) && command.Verb switch
    {
        "USER" => Info.ClientCertificate is null && _login.Phase != SessionPhase.LoggedIn,
        "PASV" or "EPSV" => Context.DataChannelPolicy is DefaultDataChannelPolicy,
        _ => true,
    });

    private CommandDefinition? BeginCommand(FtpRequest request)
    {
        _timeouts.CommandStarted();
        _commandCount++;
        _replies.BeginCommand();
        _commandHandedToTransfer = false;
        var command = CommandTable.Find(request.Verb);
        // Verbs outside the known set are client text: one tag value for all of them keeps the metric's cardinality bounded.
        _commandVerb = command is not null || FtpVerbs.All.Contains(request.Verb) ? request.Verb : "_OTHER";
        return command;
    }

    private void EndCommand()
    {
        _timeouts.CommandEnded();
        if (!_commandHandedToTransfer)
        {
            Context.Metrics.Command(_commandVerb, _replies.LastCommandReply);
        }
    }

    /// <summary>502 for a verb FTP knows and this server does not implement, 500 for anything else.</summary>
    private ValueTask ReplyUnknownAsync(FtpRequest request)
        => FtpVerbs.All.Contains(request.Verb)
            ? Reply(FtpReplyCode.NotImplemented, $"{request.Verb} not implemented.")
            : Reply(FtpReplyCode.SyntaxError, $"'{request.Verb}': command not understood.");

    /// <summary>Waits for a running transfer unless the command may run beside it; 530 for a command that needs a login.</summary>
    private async ValueTask<bool> AdmitAsync(CommandDefinition command)
    {
        if (_transfer is { } transfer && !transfer.Task.IsCompleted && !command.Flags.HasFlag(CommandFlags.DuringTransfer))
        {
            await transfer.Task.ConfigureAwait(false);
        }

        if (command.Flags.HasFlag(CommandFlags.NeedsLogin) && _login.Phase != SessionPhase.LoggedIn)
        {
            await Reply(FtpReplyCode.NotLoggedIn, "Please log in with USER and PASS first.").ConfigureAwait(false);
            _pending = Pending.None;
            return false;
        }

        return true;
    }

    /// <summary>
    /// One-shot state: RNFR lasts one command; REST lasts until the transfer, across data-setup commands (clients send
    /// PASV or TYPE between REST and RETR).
    /// </summary>
    private Pending TakePending(CommandDefinition command)
    {
        var pending = _pending;
        _pending = command.Flags.HasFlag(CommandFlags.KeepsRestart) && pending.RestartOffset != 0
            ? Pending.None with { RestartOffset = pending.RestartOffset }
            : Pending.None;
        return pending;
    }

    /// <summary>Runs the handler; what the filesystem or an application seam throws becomes the reply (<see cref="FtpErrors"/>).</summary>
    private async ValueTask RunHandlerAsync(CommandDefinition command, FtpRequest request, Pending pending)
    {
        try
        {
            await command.Handler(this, request, pending).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_aborted.IsCancellationRequested && ex is not (SocketException or ObjectDisposedException))
        {
            var (code, message) = FtpErrors.Map(ex);
            if (code == FtpReplyCode.LocalError)
            {
                FtpLog.ProviderFailed(Context.Logger, Info.Id, request.Verb, ex);
            }

            await Reply(code, message).ConfigureAwait(false);
        }
    }
}
