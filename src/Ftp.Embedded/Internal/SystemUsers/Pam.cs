using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;

namespace Ftp.Embedded.Internal.SystemUsers;

/// <summary>
/// Checks a password with Linux-PAM (<c>libpam.so.0</c>): <c>pam_start</c>, <c>pam_authenticate</c>,
/// <c>pam_acct_mgmt</c>, <c>pam_end</c>, with a conversation that answers the password prompt. The calls block (a module
/// may read files, ask a directory server, or sleep after a failure), so callers run them on a thread of their own.
/// </summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class Pam
{
    private const string Library = "libpam.so.0";
    private const int Success = 0; // PAM_SUCCESS
    private const int ConversationError = 19; // PAM_CONV_ERR
    private const int BufferError = 5; // PAM_BUF_ERR
    private const int PromptEchoOff = 1; // PAM_PROMPT_ECHO_OFF
    private const int PromptEchoOn = 2; // PAM_PROMPT_ECHO_ON
    private const int DisallowNullAuthToken = 0x1; // PAM_DISALLOW_NULL_AUTHTOK
    private const int ItemTty = 3; // PAM_TTY
    private const int ItemRemoteHost = 4; // PAM_RHOST

    /// <summary>The outcome of a check: <see cref="Success"/> (0) or the PAM error code and the step that gave it.</summary>
    public readonly record struct Result(int Code, string Step)
    {
        public bool Succeeded => Code == Success;
    }

    /// <summary>Authenticates <paramref name="user"/> and checks the account (expired, locked) through <paramref name="service"/>.</summary>
    public static Result Authenticate(string service, string user, string password, string remoteHost)
    {
        // The password as a NUL-terminated UTF-8 buffer that is zeroed whatever happens; PAM gets a malloc'd copy of it
        // per prompt, which it overwrites and frees.
        var secret = new byte[Encoding.UTF8.GetByteCount(password) + 1];
        var state = new ConversationState { Password = secret, UserName = user };
        var handle = GCHandle.Alloc(state);
        try
        {
            Encoding.UTF8.GetBytes(password, secret);
            var conversation = new PamConversation
            {
                Callback = &Converse,
                AppData = GCHandle.ToIntPtr(handle),
            };
            var status = Start(service, user, &conversation, out var pam);
            if (status != Success)
            {
                return new Result(status, "pam_start");
            }

            var result = Run(pam, remoteHost);
            _ = End(pam, result.Code);
            return result;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            handle.Free();
        }
    }

    private static Result Run(nint pam, string remoteHost)
    {
        var status = SetItem(pam, ItemRemoteHost, remoteHost);
        if (status == Success)
        {
            status = SetItem(pam, ItemTty, "ftp");
        }

        if (status != Success)
        {
            return new Result(status, "pam_set_item");
        }

        status = AuthenticateUser(pam, DisallowNullAuthToken);
        if (status != Success)
        {
            return new Result(status, "pam_authenticate");
        }

        status = AccountManagement(pam, DisallowNullAuthToken);
        return new Result(status, "pam_acct_mgmt");
    }

    /// <summary>
    /// The conversation: answers a hidden prompt with the password and a visible one with the user name; informational
    /// and error messages get no answer. Answers are allocated with <c>malloc</c>, as PAM frees them with <c>free</c>.
    /// </summary>
    [UnmanagedCallersOnly]
    private static int Converse(int count, PamMessage** messages, PamResponse** responses, nint appData)
    {
        if (count <= 0 || count > 32 || messages is null || responses is null)
        {
            return ConversationError;
        }

        PamResponse* answers = null;
        try
        {
            var state = (ConversationState)GCHandle.FromIntPtr(appData).Target!;
            answers = (PamResponse*)NativeMemory.AllocZeroed((nuint)count, (nuint)sizeof(PamResponse));
            for (var i = 0; i < count; i++)
            {
                var answer = messages[i]->Style switch
                {
                    PromptEchoOff => state.Password,
                    PromptEchoOn => state.UserNameBytes,
                    _ => null,
                };
                if (answer is not null)
                {
                    var copy = (byte*)NativeMemory.Alloc((nuint)answer.Length);
                    answer.CopyTo(new Span<byte>(copy, answer.Length));
                    answers[i].Response = copy;
                }
            }

            *responses = answers;
            return Success;
        }
        catch (Exception ex)
        {
            // Nothing may escape into PAM's C code; what was allocated is freed (a copy of the password zeroed first).
            FreeAnswers(answers, count);
            return ex is OutOfMemoryException ? BufferError : ConversationError;
        }
    }

    private static void FreeAnswers(PamResponse* answers, int count)
    {
        if (answers is null)
        {
            return;
        }

        for (var i = 0; i < count; i++)
        {
            if (answers[i].Response is not null)
            {
                NativeMemory.Clear(answers[i].Response, (nuint)MemoryMarshal.CreateReadOnlySpanFromNullTerminated(answers[i].Response).Length);
                NativeMemory.Free(answers[i].Response);
            }
        }

        NativeMemory.Free(answers);
    }

    private sealed class ConversationState
    {
        public required byte[] Password { get; init; }

        public required string UserName { get; init; }

        public byte[] UserNameBytes => Encoding.UTF8.GetBytes(UserName + "\0");
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PamConversation
    {
        public delegate* unmanaged<int, PamMessage**, PamResponse**, nint, int> Callback;
        public nint AppData;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PamMessage
    {
        public int Style;
        public byte* Text;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PamResponse
    {
        public byte* Response;
        public int ReturnCode;
    }

    [LibraryImport(Library, EntryPoint = "pam_start", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Start(string service, string user, PamConversation* conversation, out nint pam);

    [LibraryImport(Library, EntryPoint = "pam_set_item", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetItem(nint pam, int type, string value);

    [LibraryImport(Library, EntryPoint = "pam_authenticate")]
    private static partial int AuthenticateUser(nint pam, int flags);

    [LibraryImport(Library, EntryPoint = "pam_acct_mgmt")]
    private static partial int AccountManagement(nint pam, int flags);

    [LibraryImport(Library, EntryPoint = "pam_end")]
    private static partial int End(nint pam, int status);

    /// <summary>Whether <c>libpam.so.0</c> can be loaded, for the start-up check.</summary>
    public static bool IsAvailable()
    {
        if (!NativeLibrary.TryLoad(Library, out var library))
        {
            return false;
        }

        NativeLibrary.Free(library);
        return true;
    }
}
