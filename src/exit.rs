//! The CLI's exit statuses: the one place their codes are chosen (README, "exit codes").

/// How a `socialpulse` invocation ended, for a scheduler to act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Published; nothing lost.
    Success,
    /// Nothing was published (no inputs, output not writable, a failed write).
    Failed,
    /// Bad arguments, an invalid config or key, a config change the stored posts cannot
    /// follow, an output that is not as socialpulse left it, or `--full` that would lose
    /// history: nothing was done.
    Usage,
    /// Published, but rejects exceeded `run.max_reject_ratio`.
    TooManyRejects,
    /// Another run holds the output: nothing was done.
    Locked,
    /// Published, but some inputs could not be read whole (unreadable, cut short,
    /// corrupt): their lost part is in no table until they are read again.
    InputsLost,
    /// Stopped by SIGINT, SIGTERM or SIGHUP: nothing was published.
    Interrupted,
}

impl ExitStatus {
    pub const ALL: [ExitStatus; 7] = [
        ExitStatus::Success,
        ExitStatus::Failed,
        ExitStatus::Usage,
        ExitStatus::TooManyRejects,
        ExitStatus::Locked,
        ExitStatus::InputsLost,
        ExitStatus::Interrupted,
    ];

    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failed => 1,
            ExitStatus::Usage => 2,
            ExitStatus::TooManyRejects => 3,
            ExitStatus::Locked => 4,
            ExitStatus::InputsLost => 5,
            ExitStatus::Interrupted => 130,
        }
    }

    /// The name `_run.json` and `--log-format json` give it.
    pub fn name(self) -> &'static str {
        match self {
            ExitStatus::Success => "success",
            ExitStatus::Failed => "failed",
            ExitStatus::Usage => "usage",
            ExitStatus::TooManyRejects => "too_many_rejects",
            ExitStatus::Locked => "locked",
            ExitStatus::InputsLost => "inputs_lost",
            ExitStatus::Interrupted => "interrupted",
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(s: ExitStatus) -> Self {
        std::process::ExitCode::from(s.code())
    }
}
