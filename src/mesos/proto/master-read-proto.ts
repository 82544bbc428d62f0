/**
 * Our own minimal definitions of the v1 operator API messages, holding exactly the fields the state
 * model reads (parse-v1.ts, v1-in-place.ts, resources.ts, tasks.ts). Names and field numbers are
 * those of apache/mesos include/mesos/v1/master/master.proto (`Response`, `Response.GetState`,
 * `GetTasks`, `GetAgents`, `GetFrameworks`) and include/mesos/v1/mesos.proto (`AgentInfo`, `Task`,
 * `Resource`, `Attribute`, `Value`, `FrameworkInfo`, `DrainInfo`, ...). Every other field
 * (statuses, container, discovery, executors, completed tasks, offers, ...) is skipped by its
 * length prefix. Explicit `[default = ...]`s are kept because the master's JSON writes them for
 * unset fields unless the field is deprecated (3rdparty/stout/include/stout/protobuf.hpp,
 * `JSON::Protobuf`): the protobuf reader fills them in the same way, so both encodings give one state.
 * Embedded as text (two packages: two texts) rather than a .proto file so the build needs no asset.
 */
export const MESOS_READ_PROTO = `
syntax = "proto2";
package mesos.v1;

message AgentID { required string value = 1; }
message FrameworkID { required string value = 1; }
message TaskID { required string value = 1; }
message TimeInfo { required int64 nanoseconds = 1; }
message DurationInfo { required int64 nanoseconds = 1; }
message Label { required string key = 1; optional string value = 2; }
message Labels { repeated Label labels = 1; }

message DomainInfo {
  message FaultDomain {
    message RegionInfo { required string name = 1; }
    message ZoneInfo { required string name = 1; }
    required RegionInfo region = 1;
    required ZoneInfo zone = 2;
  }
  optional FaultDomain fault_domain = 1;
}

message Value {
  enum Type { SCALAR = 0; RANGES = 1; SET = 2; TEXT = 3; }
  message Scalar { required double value = 1; }
  message Range { required uint64 begin = 1; required uint64 end = 2; }
  message Ranges { repeated Range range = 1; }
  message Set { repeated string item = 1; }
  message Text { required string value = 1; }
}

message Attribute {
  required string name = 1;
  required Value.Type type = 2;
  optional Value.Scalar scalar = 3;
  optional Value.Ranges ranges = 4;
  optional Value.Text text = 5;
  optional Value.Set set = 6;
}

message Resource {
  required string name = 1;
  required Value.Type type = 2;
  optional Value.Scalar scalar = 3;
  optional Value.Ranges ranges = 4;
  optional Value.Set set = 5;
  optional string role = 6 [default = "*", deprecated = true];
  message AllocationInfo { optional string role = 1; }
  optional AllocationInfo allocation_info = 11;
  message ReservationInfo {
    enum Type { UNKNOWN = 0; STATIC = 1; DYNAMIC = 2; }
    optional string principal = 1;
    optional string role = 3;
    optional Type type = 4;
  }
  optional ReservationInfo reservation = 8;
  repeated ReservationInfo reservations = 13;
  message DiskInfo {
    message Persistence { required string id = 1; optional string principal = 2; }
    optional Persistence persistence = 1;
  }
  optional DiskInfo disk = 7;
  message RevocableInfo {}
  optional RevocableInfo revocable = 9;
}

message AgentInfo {
  required string hostname = 1;
  repeated Resource resources = 3;
  repeated Attribute attributes = 5;
  optional AgentID id = 6;
  optional int32 port = 8 [default = 5051];
  optional DomainInfo domain = 10;
}

enum TaskState {
  TASK_STARTING = 0; TASK_RUNNING = 1; TASK_FINISHED = 2; TASK_FAILED = 3; TASK_KILLED = 4;
  TASK_LOST = 5; TASK_STAGING = 6; TASK_ERROR = 7; TASK_KILLING = 8; TASK_DROPPED = 9;
  TASK_UNREACHABLE = 10; TASK_GONE = 11; TASK_GONE_BY_OPERATOR = 12; TASK_UNKNOWN = 13;
}

message Task {
  required string name = 1;
  required TaskID task_id = 2;
  required FrameworkID framework_id = 3;
  required AgentID agent_id = 5;
  required TaskState state = 6;
  repeated Resource resources = 7;
  optional Labels labels = 11;
}

message FrameworkInfo {
  required string name = 2;
  optional FrameworkID id = 3;
  optional string role = 6 [default = "*", deprecated = true];
  repeated string roles = 12;
}

// What TASK_UPDATED's status is read for (events.ts): the task, its agent, the update's time.
// state = 2 (required upstream) is skipped: the event's own \`state\` is the one acted on.
message TaskStatus {
  required TaskID task_id = 1;
  optional AgentID agent_id = 5;
  optional double timestamp = 6;
}

enum DrainState { UNKNOWN = 0; DRAINING = 1; DRAINED = 2; }
message DrainConfig {
  optional DurationInfo max_grace_period = 1;
  optional bool mark_gone = 2 [default = false];
}
message DrainInfo {
  required DrainState state = 1;
  required DrainConfig config = 2;
}
`;

/**
 * include/mesos/v1/master/master.proto: the `Response` of a GET_STATE call, down to its lists, and
 * the `Event`s of SUBSCRIBE.
 */
export const MASTER_READ_PROTO = `
syntax = "proto2";
package mesos.v1.master;

message Response {
  enum Type {
    UNKNOWN = 0; GET_HEALTH = 1; GET_FLAGS = 2; GET_VERSION = 3; GET_METRICS = 4;
    GET_LOGGING_LEVEL = 5; LIST_FILES = 6; READ_FILE = 7; GET_STATE = 8; GET_AGENTS = 9;
    GET_FRAMEWORKS = 10; GET_EXECUTORS = 11; GET_TASKS = 12; GET_ROLES = 13; GET_WEIGHTS = 14;
    GET_MASTER = 15; GET_MAINTENANCE_STATUS = 16; GET_MAINTENANCE_SCHEDULE = 17; GET_QUOTA = 18;
    GET_OPERATIONS = 19;
  }

  // get_executors = 2 is skipped.
  message GetState {
    optional GetTasks get_tasks = 1;
    optional GetFrameworks get_frameworks = 3;
    optional GetAgents get_agents = 4;
  }

  message GetAgents {
    message Agent {
      required AgentInfo agent_info = 1;
      required bool active = 2;
      required string version = 3;
      optional string pid = 4;
      optional TimeInfo registered_time = 5;
      repeated Resource total_resources = 7;
      repeated Resource allocated_resources = 8;
      optional bool deactivated = 12;
      optional DrainInfo drain_info = 13;
    }
    repeated Agent agents = 1;
    repeated AgentInfo recovered_agents = 2;
  }

  // completed_frameworks = 2 and recovered_frameworks = 3 are skipped.
  message GetFrameworks {
    message Framework {
      required FrameworkInfo framework_info = 1;
      required bool active = 2;
      required bool connected = 3;
      required bool recovered = 11;
    }
    repeated Framework frameworks = 1;
  }

  // pending_tasks = 1, completed_tasks = 3 and orphan_tasks = 4 are skipped.
  message GetTasks {
    repeated Task tasks = 2;
    repeated Task unreachable_tasks = 5;
  }

  optional Type type = 1;
  optional GetState get_state = 9;
}

// The SUBSCRIBE stream's records (master.proto \`Event\` as of apache/mesos 6137411; HEARTBEAT and
// \`heartbeat_interval_seconds\` since 1.5), down to the fields events.ts \`parseEvent\` reads in
// JSON. \`subscribed.get_state\` is read by get-state.ts \`decodeGetState\`. Mesos 1.0's
// TaskUpdated had other fields (task ids at its top level): not read in protobuf.
message Event {
  enum Type {
    UNKNOWN = 0; SUBSCRIBED = 1; TASK_ADDED = 2; TASK_UPDATED = 3; AGENT_ADDED = 4; AGENT_REMOVED = 5;
    FRAMEWORK_ADDED = 6; FRAMEWORK_UPDATED = 7; FRAMEWORK_REMOVED = 8; HEARTBEAT = 9;
  }
  message Subscribed {
    optional Response.GetState get_state = 1;
    optional double heartbeat_interval_seconds = 2;
  }
  message TaskAdded { required Task task = 1; }
  message TaskUpdated {
    required FrameworkID framework_id = 1;
    required TaskStatus status = 2;
    required TaskState state = 3;
  }
  message FrameworkAdded { required Response.GetFrameworks.Framework framework = 1; }
  message FrameworkUpdated { required Response.GetFrameworks.Framework framework = 1; }
  message FrameworkRemoved { required FrameworkInfo framework_info = 1; }
  message AgentAdded { required Response.GetAgents.Agent agent = 1; }
  message AgentRemoved { required AgentID agent_id = 1; }

  optional Type type = 1;
  optional Subscribed subscribed = 2;
  optional TaskAdded task_added = 3;
  optional TaskUpdated task_updated = 4;
  optional AgentAdded agent_added = 5;
  optional AgentRemoved agent_removed = 6;
  optional FrameworkAdded framework_added = 7;
  optional FrameworkUpdated framework_updated = 8;
  optional FrameworkRemoved framework_removed = 9;
}
`;
