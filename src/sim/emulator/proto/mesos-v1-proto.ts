/**
 * The emulated master's own definitions of the v1 operator API messages it serves, fuller than the
 * autoscaler's reader (src/mesos/proto/master-read-proto.ts): every field the emulator writes in
 * JSON (mesos-v1-json.ts) is here, so its protobuf answer carries what its JSON answer does.
 * Names, numbers, enums and defaults follow apache/mesos include/mesos/v1/mesos.proto,
 * include/mesos/v1/maintenance/maintenance.proto and include/mesos/v1/master/master.proto;
 * fields the emulator never writes are left out (a fromObject of a real capture drops them).
 */
export const MESOS_V1_PROTO = `
syntax = "proto2";
package mesos.v1;

message AgentID { required string value = 1; }
message FrameworkID { required string value = 1; }
message TaskID { required string value = 1; }
message ExecutorID { required string value = 1; }
message ContainerID { required string value = 1; optional ContainerID parent = 2; }
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

message Address {
  optional string hostname = 1;
  optional string ip = 2;
  required int32 port = 3;
}

message MasterInfo {
  required string id = 1;
  required uint32 ip = 2;
  required uint32 port = 3 [default = 5050];
  optional string pid = 4;
  optional string hostname = 5;
  optional string version = 6;
  optional Address address = 7;
  optional DomainInfo domain = 8;
  message Capability {
    enum Type { UNKNOWN = 0; AGENT_UPDATE = 1; AGENT_DRAINING = 2; QUOTA_V2 = 3; }
    optional Type type = 1;
  }
  repeated Capability capabilities = 9;
}

message Value {
  enum Type { SCALAR = 0; RANGES = 1; SET = 2; TEXT = 3; }
  message Scalar { required double value = 1; }
  message Range { required uint64 begin = 1; required uint64 end = 2; }
  message Ranges { repeated Range range = 1; }
  message Set { repeated string item = 1; }
  message Text { required string value = 1; }
  required Type type = 1;
  optional Scalar scalar = 2;
  optional Ranges ranges = 3;
  optional Set set = 4;
  optional Text text = 5;
}

message Attribute {
  required string name = 1;
  required Value.Type type = 2;
  optional Value.Scalar scalar = 3;
  optional Value.Ranges ranges = 4;
  optional Value.Text text = 5;
  optional Value.Set set = 6;
}

message Volume {
  enum Mode { RW = 1; RO = 2; }
  required string container_path = 1;
  optional string host_path = 2;
  required Mode mode = 3;
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
    optional Labels labels = 2;
    optional string role = 3;
    optional Type type = 4;
  }
  optional ReservationInfo reservation = 8;
  repeated ReservationInfo reservations = 13;
  message DiskInfo {
    message Persistence { required string id = 1; optional string principal = 2; }
    optional Persistence persistence = 1;
    optional Volume volume = 2;
  }
  optional DiskInfo disk = 7;
  message RevocableInfo {}
  optional RevocableInfo revocable = 9;
  message SharedInfo {}
  optional SharedInfo shared = 10;
}

message AgentInfo {
  required string hostname = 1;
  repeated Resource resources = 3;
  repeated Attribute attributes = 5;
  optional AgentID id = 6;
  optional int32 port = 8 [default = 5051];
  optional DomainInfo domain = 10;
  message Capability {
    enum Type {
      UNKNOWN = 0; MULTI_ROLE = 1; HIERARCHICAL_ROLE = 2; RESERVATION_REFINEMENT = 3;
      RESOURCE_PROVIDER = 4; RESIZE_VOLUME = 5; AGENT_OPERATION_FEEDBACK = 6; AGENT_DRAINING = 7;
      TASK_RESOURCE_LIMITS = 8;
    }
    optional Type type = 1;
  }
}

enum TaskState {
  TASK_STARTING = 0; TASK_RUNNING = 1; TASK_FINISHED = 2; TASK_FAILED = 3; TASK_KILLED = 4;
  TASK_LOST = 5; TASK_STAGING = 6; TASK_ERROR = 7; TASK_KILLING = 8; TASK_DROPPED = 9;
  TASK_UNREACHABLE = 10; TASK_GONE = 11; TASK_GONE_BY_OPERATOR = 12; TASK_UNKNOWN = 13;
}

message NetworkInfo {
  enum Protocol { IPv4 = 1; IPv6 = 2; }
  message IPAddress {
    optional Protocol protocol = 1 [default = IPv4];
    optional string ip_address = 2;
  }
  repeated IPAddress ip_addresses = 5;
  optional string name = 6;
  repeated string groups = 3;
  optional Labels labels = 4;
  message PortMapping {
    required uint32 host_port = 1;
    required uint32 container_port = 2;
    optional string protocol = 3;
  }
  repeated PortMapping port_mappings = 7;
}

message ContainerStatus {
  repeated NetworkInfo network_infos = 1;
  optional uint32 executor_pid = 3;
  optional ContainerID container_id = 4;
}

message TaskStatus {
  enum Source { SOURCE_MASTER = 0; SOURCE_AGENT = 1; SOURCE_EXECUTOR = 2; }
  enum Reason {
    REASON_COMMAND_EXECUTOR_FAILED = 0; REASON_EXECUTOR_TERMINATED = 1; REASON_EXECUTOR_UNREGISTERED = 2;
    REASON_FRAMEWORK_REMOVED = 3; REASON_GC_ERROR = 4; REASON_INVALID_FRAMEWORKID = 5; REASON_INVALID_OFFERS = 6;
    REASON_MASTER_DISCONNECTED = 7; REASON_CONTAINER_LIMITATION_MEMORY = 8; REASON_RECONCILIATION = 9;
    REASON_AGENT_DISCONNECTED = 10; REASON_AGENT_REMOVED = 11; REASON_AGENT_RESTARTED = 12; REASON_AGENT_UNKNOWN = 13;
    REASON_TASK_INVALID = 14; REASON_TASK_UNAUTHORIZED = 15; REASON_TASK_UNKNOWN = 16; REASON_CONTAINER_PREEMPTED = 17;
    REASON_RESOURCES_UNKNOWN = 18; REASON_CONTAINER_LIMITATION = 19; REASON_CONTAINER_LIMITATION_DISK = 20;
    REASON_CONTAINER_LAUNCH_FAILED = 21; REASON_CONTAINER_UPDATE_FAILED = 22; REASON_EXECUTOR_REGISTRATION_TIMEOUT = 23;
    REASON_EXECUTOR_REREGISTRATION_TIMEOUT = 24; REASON_TASK_GROUP_INVALID = 25; REASON_TASK_GROUP_UNAUTHORIZED = 26;
    REASON_IO_SWITCHBOARD_EXITED = 27; REASON_TASK_CHECK_STATUS_UPDATED = 28; REASON_TASK_HEALTH_CHECK_STATUS_UPDATED = 29;
    REASON_TASK_KILLED_DURING_LAUNCH = 30; REASON_AGENT_REMOVED_BY_OPERATOR = 31; REASON_AGENT_REREGISTERED = 32;
    REASON_MAX_COMPLETION_TIME_REACHED = 33; REASON_AGENT_DRAINING = 34;
  }
  required TaskID task_id = 1;
  required TaskState state = 2;
  optional bytes data = 3;
  optional string message = 4;
  optional AgentID agent_id = 5;
  optional double timestamp = 6;
  optional ExecutorID executor_id = 7;
  optional bool healthy = 8;
  optional Source source = 9;
  optional Reason reason = 10;
  optional bytes uuid = 11;
  optional Labels labels = 12;
  optional ContainerStatus container_status = 13;
  optional TimeInfo unreachable_time = 14;
}

message Port {
  required uint32 number = 1;
  optional string name = 2;
  optional string protocol = 3;
  optional DiscoveryInfo.Visibility visibility = 4;
  optional Labels labels = 5;
}
message Ports { repeated Port ports = 1; }

message DiscoveryInfo {
  enum Visibility { FRAMEWORK = 0; CLUSTER = 1; EXTERNAL = 2; }
  required Visibility visibility = 1;
  optional string name = 2;
  optional string environment = 3;
  optional string location = 4;
  optional string version = 5;
  optional Ports ports = 6;
  optional Labels labels = 7;
}

message ContainerInfo {
  enum Type { DOCKER = 1; MESOS = 2; }
  message MesosInfo {}
  required Type type = 1;
  optional string hostname = 4;
  optional MesosInfo mesos = 5;
  repeated NetworkInfo network_infos = 7;
}

message Task {
  required string name = 1;
  required TaskID task_id = 2;
  required FrameworkID framework_id = 3;
  optional ExecutorID executor_id = 4;
  required AgentID agent_id = 5;
  required TaskState state = 6;
  repeated Resource resources = 7;
  repeated TaskStatus statuses = 8;
  optional TaskState status_update_state = 9;
  optional bytes status_update_uuid = 10;
  optional Labels labels = 11;
  optional DiscoveryInfo discovery = 12;
  optional ContainerInfo container = 13;
  optional string user = 14;
}

message FrameworkInfo {
  required string user = 1;
  required string name = 2;
  optional FrameworkID id = 3;
  optional double failover_timeout = 4 [default = 0.0];
  optional bool checkpoint = 5 [default = false];
  optional string role = 6 [default = "*", deprecated = true];
  optional string hostname = 7;
  optional string principal = 8;
  optional string webui_url = 9;
  message Capability {
    enum Type {
      UNKNOWN = 0; REVOCABLE_RESOURCES = 1; TASK_KILLING_STATE = 2; GPU_RESOURCES = 3; SHARED_RESOURCES = 4;
      PARTITION_AWARE = 5; MULTI_ROLE = 6; RESERVATION_REFINEMENT = 7; REGION_AWARE = 8;
    }
    optional Type type = 1;
  }
  repeated Capability capabilities = 10;
  optional Labels labels = 11;
  repeated string roles = 12;
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

message MachineID {
  optional string hostname = 1;
  optional string ip = 2;
}
`;

export const MAINTENANCE_V1_PROTO = `
syntax = "proto2";
package mesos.v1.maintenance;

message Unavailability {
  required TimeInfo start = 1;
  optional DurationInfo duration = 2;
}
message Window {
  repeated MachineID machine_ids = 1;
  required Unavailability unavailability = 2;
}
message Schedule { repeated Window windows = 1; }
message ClusterStatus {
  message DrainingMachine { required MachineID id = 1; }
  repeated DrainingMachine draining_machines = 1;
  repeated MachineID down_machines = 2;
}
`;

/** google/protobuf/duration.proto, for `Call.DrainAgent.max_grace_period`. */
export const DURATION_PROTO = `
syntax = "proto3";
package google.protobuf;
message Duration { int64 seconds = 1; int32 nanos = 2; }
`;

export const MASTER_V1_PROTO = `
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
  message GetState {
    optional GetTasks get_tasks = 1;
    optional GetExecutors get_executors = 2;
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
      optional TimeInfo reregistered_time = 6;
      repeated Resource total_resources = 7;
      repeated Resource allocated_resources = 8;
      repeated Resource offered_resources = 9;
      repeated AgentInfo.Capability capabilities = 10;
      optional bool deactivated = 12;
      optional DrainInfo drain_info = 13;
      optional TimeInfo estimated_drain_start_time = 14;
    }
    repeated Agent agents = 1;
    repeated AgentInfo recovered_agents = 2;
  }
  message GetFrameworks {
    message Framework {
      required FrameworkInfo framework_info = 1;
      required bool active = 2;
      required bool connected = 3;
      optional TimeInfo registered_time = 4;
      optional TimeInfo reregistered_time = 5;
      optional TimeInfo unregistered_time = 6;
      repeated Resource allocated_resources = 9;
      repeated Resource offered_resources = 10;
      required bool recovered = 11;
    }
    repeated Framework frameworks = 1;
    repeated Framework completed_frameworks = 2;
  }
  message GetExecutors {}
  message GetTasks {
    repeated Task pending_tasks = 1;
    repeated Task tasks = 2;
    repeated Task completed_tasks = 3;
    repeated Task orphan_tasks = 4;
    repeated Task unreachable_tasks = 5;
  }
  message GetMaster {
    optional MasterInfo master_info = 1;
    optional double start_time = 2;
    optional double elected_time = 3;
  }
  message GetMaintenanceStatus { required maintenance.ClusterStatus status = 1; }
  message GetMaintenanceSchedule { required maintenance.Schedule schedule = 1; }

  optional Type type = 1;
  optional GetState get_state = 9;
  optional GetAgents get_agents = 10;
  optional GetFrameworks get_frameworks = 11;
  optional GetExecutors get_executors = 12;
  optional GetTasks get_tasks = 13;
  optional GetMaster get_master = 16;
  optional GetMaintenanceStatus get_maintenance_status = 17;
  optional GetMaintenanceSchedule get_maintenance_schedule = 18;
}

message Event {
  enum Type {
    UNKNOWN = 0; SUBSCRIBED = 1; TASK_ADDED = 2; TASK_UPDATED = 3; AGENT_ADDED = 4; AGENT_REMOVED = 5;
    FRAMEWORK_ADDED = 6; FRAMEWORK_UPDATED = 7; FRAMEWORK_REMOVED = 8; HEARTBEAT = 9;
  }
  message Subscribed {
    optional Response.GetState get_state = 1;
    optional double heartbeat_interval_seconds = 2;
  }
  // status is required in master.proto; optional here because the emulated 1.0 frames have none
  // (their top-level task ids have no field in this message and are not sent in protobuf).
  message TaskUpdated {
    required FrameworkID framework_id = 1;
    optional TaskStatus status = 2;
    required TaskState state = 3;
  }
  message TaskAdded { required Task task = 1; }
  message AgentAdded { required Response.GetAgents.Agent agent = 1; }
  message AgentRemoved { required AgentID agent_id = 1; }
  message FrameworkAdded { required Response.GetFrameworks.Framework framework = 1; }
  message FrameworkUpdated { required Response.GetFrameworks.Framework framework = 1; }
  message FrameworkRemoved { required FrameworkInfo framework_info = 1; }
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

message Call {
  enum Type {
    UNKNOWN = 0; GET_HEALTH = 1; GET_FLAGS = 2; GET_VERSION = 3; GET_METRICS = 4; GET_LOGGING_LEVEL = 5;
    SET_LOGGING_LEVEL = 6; LIST_FILES = 7; READ_FILE = 8; GET_STATE = 9; GET_AGENTS = 10; GET_FRAMEWORKS = 11;
    GET_EXECUTORS = 12; GET_OPERATIONS = 33; GET_TASKS = 13; GET_ROLES = 14; GET_WEIGHTS = 15; UPDATE_WEIGHTS = 16;
    GET_MASTER = 17; SUBSCRIBE = 18; RESERVE_RESOURCES = 19; UNRESERVE_RESOURCES = 20; CREATE_VOLUMES = 21;
    DESTROY_VOLUMES = 22; GROW_VOLUME = 34; SHRINK_VOLUME = 35; GET_MAINTENANCE_STATUS = 23;
    GET_MAINTENANCE_SCHEDULE = 24; UPDATE_MAINTENANCE_SCHEDULE = 25; START_MAINTENANCE = 26; STOP_MAINTENANCE = 27;
    DRAIN_AGENT = 37; DEACTIVATE_AGENT = 38; REACTIVATE_AGENT = 39; GET_QUOTA = 28; UPDATE_QUOTA = 36;
    SET_QUOTA = 29; REMOVE_QUOTA = 30; TEARDOWN = 31; MARK_AGENT_GONE = 32;
  }
  message UpdateMaintenanceSchedule { required maintenance.Schedule schedule = 1; }
  message StartMaintenance { repeated MachineID machines = 1; }
  message StopMaintenance { repeated MachineID machines = 1; }
  message DrainAgent {
    required AgentID agent_id = 1;
    optional google.protobuf.Duration max_grace_period = 2;
    optional bool mark_gone = 3 [default = false];
  }
  message DeactivateAgent { required AgentID agent_id = 1; }
  message ReactivateAgent { required AgentID agent_id = 1; }
  optional Type type = 1;
  optional UpdateMaintenanceSchedule update_maintenance_schedule = 11;
  optional StartMaintenance start_maintenance = 12;
  optional StopMaintenance stop_maintenance = 13;
  optional DrainAgent drain_agent = 21;
  optional DeactivateAgent deactivate_agent = 22;
  optional ReactivateAgent reactivate_agent = 23;
}
`;
