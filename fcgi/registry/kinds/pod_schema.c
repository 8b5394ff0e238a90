/* pod_schema.c: the Pod's types as data (see pod_schema.h). Fields are in
 * the Go order of kube 1.32's internal types (pkg/apis/core/types.go), which
 * is also the v1 JSON order except where PodSpec lists its own. */
#include <string.h>
#include "registry/kinds/pod_schema.h"

#define N(a) ((int)(sizeof a / sizeof a[0]))
#define TYPE(var, name, fields) const pod_type var = {name, fields, N(fields)}
#define ANY(var, name) static const pod_type var = {name, NULL, 0}

/* ---- undescribed structs */
ANY(t_affinity, "Affinity");
ANY(t_topology_spread, "TopologySpreadConstraint");
ANY(t_pod_resource_claim, "PodResourceClaim");
ANY(t_cluster_trust_bundle, "ClusterTrustBundleProjection");
ANY(t_gce_pd, "GCEPersistentDiskVolumeSource");
ANY(t_aws_ebs, "AWSElasticBlockStoreVolumeSource");
ANY(t_git_repo, "GitRepoVolumeSource");
ANY(t_iscsi, "ISCSIVolumeSource");
ANY(t_glusterfs, "GlusterfsVolumeSource");
ANY(t_rbd, "RBDVolumeSource");
ANY(t_quobyte, "QuobyteVolumeSource");
ANY(t_flex, "FlexVolumeSource");
ANY(t_cinder, "CinderVolumeSource");
ANY(t_cephfs, "CephFSVolumeSource");
ANY(t_flocker, "FlockerVolumeSource");
ANY(t_fc, "FCVolumeSource");
ANY(t_azure_file, "AzureFileVolumeSource");
ANY(t_vsphere, "VsphereVirtualDiskVolumeSource");
ANY(t_azure_disk, "AzureDiskVolumeSource");
ANY(t_photon, "PhotonPersistentDiskVolumeSource");
ANY(t_portworx, "PortworxVolumeSource");
ANY(t_scaleio, "ScaleIOVolumeSource");
ANY(t_storageos, "StorageOSVolumeSource");
ANY(t_ephemeral, "EphemeralVolumeSource");
ANY(t_host_ip, "HostIP");
ANY(t_pod_ip, "PodIP");
ANY(t_container_status, "ContainerStatus");
ANY(t_claim_status, "PodResourceClaimStatus");

/* ---- small building blocks */
static const pod_field f_local_ref[] = {{"Name", "name", PK_STRING, NULL, NULL, 0}};
static TYPE(t_local_ref, "LocalObjectReference", f_local_ref);

static const pod_field f_key_to_path[] = {
    {"Key", "key", PK_STRING, NULL, NULL, PF_KEEP},
    {"Path", "path", PK_STRING, NULL, NULL, PF_KEEP},
    {"Mode", "mode", PK_PINT32, NULL, NULL, 0},
};
static TYPE(t_key_to_path, "KeyToPath", f_key_to_path);

static const pod_field f_object_field_selector[] = {
    {"APIVersion", "apiVersion", PK_STRING, NULL, NULL, 0},
    {"FieldPath", "fieldPath", PK_STRING, NULL, NULL, PF_KEEP},
};
static TYPE(t_object_field_selector, "ObjectFieldSelector", f_object_field_selector);

static const pod_field f_resource_field_selector[] = {
    {"ContainerName", "containerName", PK_STRING, NULL, NULL, 0},
    {"Resource", "resource", PK_STRING, NULL, NULL, PF_KEEP},
    {"Divisor", "divisor", PK_QUANTITY, NULL, NULL, 0},
};
static TYPE(t_resource_field_selector, "ResourceFieldSelector", f_resource_field_selector);

static const pod_field f_key_selector[] = {
    {"LocalObjectReference", NULL, PK_INLINE, &t_local_ref, NULL, 0},
    {"Key", "key", PK_STRING, NULL, NULL, PF_KEEP},
    {"Optional", "optional", PK_PBOOL, NULL, NULL, 0},
};
static TYPE(t_configmap_key_selector, "ConfigMapKeySelector", f_key_selector);
static TYPE(t_secret_key_selector, "SecretKeySelector", f_key_selector);

static const pod_field f_env_var_source[] = {
    {"FieldRef", "fieldRef", PK_PSTRUCT, &t_object_field_selector, NULL, 0},
    {"ResourceFieldRef", "resourceFieldRef", PK_PSTRUCT, &t_resource_field_selector, NULL, 0},
    {"ConfigMapKeyRef", "configMapKeyRef", PK_PSTRUCT, &t_configmap_key_selector, NULL, 0},
    {"SecretKeyRef", "secretKeyRef", PK_PSTRUCT, &t_secret_key_selector, NULL, 0},
};
static TYPE(t_env_var_source, "EnvVarSource", f_env_var_source);

static const pod_field f_env_var[] = {
    {"Name", "name", PK_STRING, NULL, NULL, PF_KEEP},
    {"Value", "value", PK_STRING, NULL, NULL, 0},
    {"ValueFrom", "valueFrom", PK_PSTRUCT, &t_env_var_source, NULL, 0},
};
static TYPE(t_env_var, "EnvVar", f_env_var);

static const pod_field f_env_source[] = {
    {"LocalObjectReference", NULL, PK_INLINE, &t_local_ref, NULL, 0},
    {"Optional", "optional", PK_PBOOL, NULL, NULL, 0},
};
static TYPE(t_configmap_env_source, "ConfigMapEnvSource", f_env_source);
static TYPE(t_secret_env_source, "SecretEnvSource", f_env_source);

static const pod_field f_env_from[] = {
    {"Prefix", "prefix", PK_STRING, NULL, NULL, 0},
    {"ConfigMapRef", "configMapRef", PK_PSTRUCT, &t_configmap_env_source, NULL, 0},
    {"SecretRef", "secretRef", PK_PSTRUCT, &t_secret_env_source, NULL, 0},
};
static TYPE(t_env_from, "EnvFromSource", f_env_from);

static const pod_field f_container_port[] = {
    {"Name", "name", PK_STRING, NULL, NULL, 0},
    {"HostPort", "hostPort", PK_INT32, NULL, NULL, 0},
    {"ContainerPort", "containerPort", PK_INT32, NULL, NULL, PF_KEEP},
    {"Protocol", "protocol", PK_STRING, NULL, "Protocol", 0},
    {"HostIP", "hostIP", PK_STRING, NULL, NULL, 0},
};
static TYPE(t_container_port, "ContainerPort", f_container_port);

static const pod_field f_resource_claim[] = {
    {"Name", "name", PK_STRING, NULL, NULL, PF_KEEP},
    {"Request", "request", PK_STRING, NULL, NULL, 0},
};
static TYPE(t_resource_claim, "ResourceClaim", f_resource_claim);

static const pod_field f_resources[] = {
    {"Limits", "limits", PK_RESOURCE_LIST, NULL, NULL, 0},
    {"Requests", "requests", PK_RESOURCE_LIST, NULL, NULL, 0},
    {"Claims", "claims", PK_LIST_STRUCT, &t_resource_claim, NULL, 0},
};
static TYPE(t_resources, "ResourceRequirements", f_resources);

static const pod_field f_resize_policy[] = {
    {"ResourceName", "resourceName", PK_STRING, NULL, "ResourceName", PF_KEEP},
    {"RestartPolicy", "restartPolicy", PK_STRING, NULL, "ResourceResizeRestartPolicy", PF_KEEP},
};
static TYPE(t_resize_policy, "ContainerResizePolicy", f_resize_policy);

static const pod_field f_volume_mount[] = {
    {"Name", "name", PK_STRING, NULL, NULL, PF_KEEP},
    {"ReadOnly", "readOnly", PK_BOOL, NULL, NULL, 0},
    {"RecursiveReadOnly", "recursiveReadOnly", PK_PSTRING, NULL, "RecursiveReadOnlyMode", 0},
    {"MountPath", "mountPath", PK_STRING, NULL, NULL, PF_KEEP},
    {"SubPath", "subPath", PK_STRING, NULL, NULL, 0},
    {"MountPropagation", "mountPropagation", PK_PSTRING, NULL, "MountPropagationMode", 0},
    {"SubPathExpr", "subPathExpr", PK_STRING, NULL, NULL, 0},
};
static TYPE(t_volume_mount, "VolumeMount", f_volume_mount);

static const pod_field f_volume_device[] = {
    {"Name", "name", PK_STRING, NULL, NULL, PF_KEEP},
    {"DevicePath", "devicePath", PK_STRING, NULL, NULL, PF_KEEP},
};
static TYPE(t_volume_device, "VolumeDevice", f_volume_device);

/* ---- probes and lifecycle */
static const pod_field f_exec[] = {{"Command", "command", PK_LIST_STRING, NULL, NULL, 0}};
static TYPE(t_exec, "ExecAction", f_exec);

static const pod_field f_http_header[] = {
    {"Name", "name", PK_STRING, NULL, NULL, PF_KEEP},
    {"Value", "value", PK_STRING, NULL, NULL, PF_KEEP},
};
static TYPE(t_http_header, "HTTPHeader", f_http_header);

static const pod_field f_http_get[] = {
    {"Path", "path", PK_STRING, NULL, NULL, 0},
    {"Port", "port", PK_INT_OR_STRING, NULL, NULL, PF_KEEP},
    {"Host", "host", PK_STRING, NULL, NULL, 0},
    {"Scheme", "scheme", PK_STRING, NULL, "URIScheme", 0},
    {"HTTPHeaders", "httpHeaders", PK_LIST_STRUCT, &t_http_header, NULL, 0},
};
static TYPE(t_http_get, "HTTPGetAction", f_http_get);

static const pod_field f_tcp_socket[] = {
    {"Port", "port", PK_INT_OR_STRING, NULL, NULL, PF_KEEP},
    {"Host", "host", PK_STRING, NULL, NULL, 0},
};
static TYPE(t_tcp_socket, "TCPSocketAction", f_tcp_socket);

static const pod_field f_grpc[] = {
    {"Port", "port", PK_INT32, NULL, NULL, PF_KEEP},
    {"Service", "service", PK_PSTRING, NULL, NULL, PF_KEEP},
};
static TYPE(t_grpc, "GRPCAction", f_grpc);

static const pod_field f_sleep[] = {{"Seconds", "seconds", PK_INT64, NULL, NULL, PF_KEEP}};
static TYPE(t_sleep, "SleepAction", f_sleep);

static const pod_field f_probe_handler[] = {
    {"Exec", "exec", PK_PSTRUCT, &t_exec, NULL, 0},
    {"HTTPGet", "httpGet", PK_PSTRUCT, &t_http_get, NULL, 0},
    {"TCPSocket", "tcpSocket", PK_PSTRUCT, &t_tcp_socket, NULL, 0},
    {"GRPC", "grpc", PK_PSTRUCT, &t_grpc, NULL, 0},
};
static TYPE(t_probe_handler, "ProbeHandler", f_probe_handler);

static const pod_field f_probe[] = {
    {"ProbeHandler", NULL, PK_INLINE, &t_probe_handler, NULL, 0},
    {"InitialDelaySeconds", "initialDelaySeconds", PK_INT32, NULL, NULL, 0},
    {"TimeoutSeconds", "timeoutSeconds", PK_INT32, NULL, NULL, 0},
    {"PeriodSeconds", "periodSeconds", PK_INT32, NULL, NULL, 0},
    {"SuccessThreshold", "successThreshold", PK_INT32, NULL, NULL, 0},
    {"FailureThreshold", "failureThreshold", PK_INT32, NULL, NULL, 0},
    {"TerminationGracePeriodSeconds", "terminationGracePeriodSeconds", PK_PINT64, NULL, NULL, 0},
};
static TYPE(t_probe, "Probe", f_probe);

static const pod_field f_lifecycle_handler[] = {
    {"Exec", "exec", PK_PSTRUCT, &t_exec, NULL, 0},
    {"HTTPGet", "httpGet", PK_PSTRUCT, &t_http_get, NULL, 0},
    {"TCPSocket", "tcpSocket", PK_PSTRUCT, &t_tcp_socket, NULL, 0},
    {"Sleep", "sleep", PK_PSTRUCT, &t_sleep, NULL, 0},
};
static TYPE(t_lifecycle_handler, "LifecycleHandler", f_lifecycle_handler);

static const pod_field f_lifecycle[] = {
    {"PostStart", "postStart", PK_PSTRUCT, &t_lifecycle_handler, NULL, 0},
    {"PreStop", "preStop", PK_PSTRUCT, &t_lifecycle_handler, NULL, 0},
};
static TYPE(t_lifecycle, "Lifecycle", f_lifecycle);

/* ---- security contexts */
static const pod_field f_capabilities[] = {
    {"Add", "add", PK_LIST_STRING, NULL, NULL, 0},
    {"Drop", "drop", PK_LIST_STRING, NULL, NULL, 0},
};
static TYPE(t_capabilities, "Capabilities", f_capabilities);

static const pod_field f_selinux[] = {
    {"User", "user", PK_STRING, NULL, NULL, 0},
    {"Role", "role", PK_STRING, NULL, NULL, 0},
    {"Type", "type", PK_STRING, NULL, NULL, 0},
    {"Level", "level", PK_STRING, NULL, NULL, 0},
};
static TYPE(t_selinux, "SELinuxOptions", f_selinux);

static const pod_field f_windows_options[] = {
    {"GMSACredentialSpecName", "gmsaCredentialSpecName", PK_PSTRING, NULL, NULL, 0},
    {"GMSACredentialSpec", "gmsaCredentialSpec", PK_PSTRING, NULL, NULL, 0},
    {"RunAsUserName", "runAsUserName", PK_PSTRING, NULL, NULL, 0},
    {"HostProcess", "hostProcess", PK_PBOOL, NULL, NULL, 0},
};
static TYPE(t_windows_options, "WindowsSecurityContextOptions", f_windows_options);

static const pod_field f_profile[] = {
    {"Type", "type", PK_STRING, NULL, NULL, PF_KEEP},
    {"LocalhostProfile", "localhostProfile", PK_PSTRING, NULL, NULL, 0},
};
static TYPE(t_seccomp, "SeccompProfile", f_profile);
static TYPE(t_apparmor, "AppArmorProfile", f_profile);

static const pod_field f_security_context[] = {
    {"Capabilities", "capabilities", PK_PSTRUCT, &t_capabilities, NULL, 0},
    {"Privileged", "privileged", PK_PBOOL, NULL, NULL, 0},
    {"SELinuxOptions", "seLinuxOptions", PK_PSTRUCT, &t_selinux, NULL, 0},
    {"WindowsOptions", "windowsOptions", PK_PSTRUCT, &t_windows_options, NULL, 0},
    {"RunAsUser", "runAsUser", PK_PINT64, NULL, NULL, 0},
    {"RunAsGroup", "runAsGroup", PK_PINT64, NULL, NULL, 0},
    {"RunAsNonRoot", "runAsNonRoot", PK_PBOOL, NULL, NULL, 0},
    {"ReadOnlyRootFilesystem", "readOnlyRootFilesystem", PK_PBOOL, NULL, NULL, 0},
    {"AllowPrivilegeEscalation", "allowPrivilegeEscalation", PK_PBOOL, NULL, NULL, 0},
    {"ProcMount", "procMount", PK_PSTRING, NULL, "ProcMountType", 0},
    {"SeccompProfile", "seccompProfile", PK_PSTRUCT, &t_seccomp, NULL, 0},
    {"AppArmorProfile", "appArmorProfile", PK_PSTRUCT, &t_apparmor, NULL, 0},
};
static TYPE(t_security_context, "SecurityContext", f_security_context);

static const pod_field f_sysctl[] = {
    {"Name", "name", PK_STRING, NULL, NULL, PF_KEEP},
    {"Value", "value", PK_STRING, NULL, NULL, PF_KEEP},
};
static TYPE(t_sysctl, "Sysctl", f_sysctl);

static const pod_field f_pod_security_context[] = {
    {"HostNetwork", "hostNetwork", PK_BOOL, NULL, NULL, PF_INTERNAL_ONLY},
    {"HostPID", "hostPID", PK_BOOL, NULL, NULL, PF_INTERNAL_ONLY},
    {"HostIPC", "hostIPC", PK_BOOL, NULL, NULL, PF_INTERNAL_ONLY},
    {"ShareProcessNamespace", "shareProcessNamespace", PK_PBOOL, NULL, NULL, PF_INTERNAL_ONLY},
    {"HostUsers", "hostUsers", PK_PBOOL, NULL, NULL, PF_INTERNAL_ONLY},
    {"SELinuxOptions", "seLinuxOptions", PK_PSTRUCT, &t_selinux, NULL, 0},
    {"WindowsOptions", "windowsOptions", PK_PSTRUCT, &t_windows_options, NULL, 0},
    {"RunAsUser", "runAsUser", PK_PINT64, NULL, NULL, 0},
    {"RunAsGroup", "runAsGroup", PK_PINT64, NULL, NULL, 0},
    {"RunAsNonRoot", "runAsNonRoot", PK_PBOOL, NULL, NULL, 0},
    {"SupplementalGroups", "supplementalGroups", PK_LIST_INT64, NULL, NULL, 0},
    {"SupplementalGroupsPolicy", "supplementalGroupsPolicy", PK_PSTRING, NULL, "SupplementalGroupsPolicy", 0},
    {"FSGroup", "fsGroup", PK_PINT64, NULL, NULL, 0},
    {"FSGroupChangePolicy", "fsGroupChangePolicy", PK_PSTRING, NULL, "PodFSGroupChangePolicy", 0},
    {"Sysctls", "sysctls", PK_LIST_STRUCT, &t_sysctl, NULL, 0},
    {"SeccompProfile", "seccompProfile", PK_PSTRUCT, &t_seccomp, NULL, 0},
    {"AppArmorProfile", "appArmorProfile", PK_PSTRUCT, &t_apparmor, NULL, 0},
    {"SELinuxChangePolicy", "seLinuxChangePolicy", PK_PSTRING, NULL, "PodSELinuxChangePolicy", 0},
};
static TYPE(t_pod_security_context, "PodSecurityContext", f_pod_security_context);

/* ---- containers */
#define CONTAINER_FIELDS                                                                      \
    {"Name", "name", PK_STRING, NULL, NULL, PF_KEEP},                                         \
    {"Image", "image", PK_STRING, NULL, NULL, 0},                                             \
    {"Command", "command", PK_LIST_STRING, NULL, NULL, 0},                                    \
    {"Args", "args", PK_LIST_STRING, NULL, NULL, 0},                                          \
    {"WorkingDir", "workingDir", PK_STRING, NULL, NULL, 0},                                   \
    {"Ports", "ports", PK_LIST_STRUCT, &t_container_port, NULL, 0},                           \
    {"EnvFrom", "envFrom", PK_LIST_STRUCT, &t_env_from, NULL, 0},                             \
    {"Env", "env", PK_LIST_STRUCT, &t_env_var, NULL, 0},                                      \
    {"Resources", "resources", PK_STRUCT, &t_resources, NULL, 0},                             \
    {"ResizePolicy", "resizePolicy", PK_LIST_STRUCT, &t_resize_policy, NULL, 0},              \
    {"RestartPolicy", "restartPolicy", PK_PSTRING, NULL, "ContainerRestartPolicy", 0},        \
    {"VolumeMounts", "volumeMounts", PK_LIST_STRUCT, &t_volume_mount, NULL, 0},               \
    {"VolumeDevices", "volumeDevices", PK_LIST_STRUCT, &t_volume_device, NULL, 0},            \
    {"LivenessProbe", "livenessProbe", PK_PSTRUCT, &t_probe, NULL, 0},                        \
    {"ReadinessProbe", "readinessProbe", PK_PSTRUCT, &t_probe, NULL, 0},                      \
    {"StartupProbe", "startupProbe", PK_PSTRUCT, &t_probe, NULL, 0},                          \
    {"Lifecycle", "lifecycle", PK_PSTRUCT, &t_lifecycle, NULL, 0},                            \
    {"TerminationMessagePath", "terminationMessagePath", PK_STRING, NULL, NULL, 0},           \
    {"TerminationMessagePolicy", "terminationMessagePolicy", PK_STRING, NULL,                 \
     "TerminationMessagePolicy", 0},                                                          \
    {"ImagePullPolicy", "imagePullPolicy", PK_STRING, NULL, "PullPolicy", 0},                 \
    {"SecurityContext", "securityContext", PK_PSTRUCT, &t_security_context, NULL, 0},         \
    {"Stdin", "stdin", PK_BOOL, NULL, NULL, 0},                                               \
    {"StdinOnce", "stdinOnce", PK_BOOL, NULL, NULL, 0},                                       \
    {"TTY", "tty", PK_BOOL, NULL, NULL, 0}

static const pod_field f_container[] = {CONTAINER_FIELDS};
TYPE(pod_type_container, "Container", f_container);
static const pod_field f_ephemeral_common[] = {CONTAINER_FIELDS};
static TYPE(t_ephemeral_common, "EphemeralContainerCommon", f_ephemeral_common);

static const pod_field f_ephemeral_container[] = {
    {"EphemeralContainerCommon", NULL, PK_INLINE, &t_ephemeral_common, NULL, 0},
    {"TargetContainerName", "targetContainerName", PK_STRING, NULL, NULL, 0},
};
static TYPE(t_ephemeral_container, "EphemeralContainer", f_ephemeral_container);

/* ---- volumes */
static const pod_field f_host_path[] = {
    {"Path", "path", PK_STRING, NULL, NULL, PF_KEEP},
    {"Type", "type", PK_PSTRING, NULL, "HostPathType", 0},
};
static TYPE(t_host_path, "HostPathVolumeSource", f_host_path);

static const pod_field f_empty_dir[] = {
    {"Medium", "medium", PK_STRING, NULL, "StorageMedium", 0},
    {"SizeLimit", "sizeLimit", PK_PQUANTITY, NULL, NULL, 0},
};
static TYPE(t_empty_dir, "EmptyDirVolumeSource", f_empty_dir);

static const pod_field f_secret_volume[] = {
    {"SecretName", "secretName", PK_STRING, NULL, NULL, 0},
    {"Items", "items", PK_LIST_STRUCT, &t_key_to_path, NULL, 0},
    {"DefaultMode", "defaultMode", PK_PINT32, NULL, NULL, 0},
    {"Optional", "optional", PK_PBOOL, NULL, NULL, 0},
};
static TYPE(t_secret_volume, "SecretVolumeSource", f_secret_volume);

static const pod_field f_nfs[] = {
    {"Server", "server", PK_STRING, NULL, NULL, PF_KEEP},
    {"Path", "path", PK_STRING, NULL, NULL, PF_KEEP},
    {"ReadOnly", "readOnly", PK_BOOL, NULL, NULL, 0},
};
static TYPE(t_nfs, "NFSVolumeSource", f_nfs);

static const pod_field f_pvc[] = {
    {"ClaimName", "claimName", PK_STRING, NULL, NULL, PF_KEEP},
    {"ReadOnly", "readOnly", PK_BOOL, NULL, NULL, 0},
};
static TYPE(t_pvc, "PersistentVolumeClaimVolumeSource", f_pvc);

static const pod_field f_downward_file[] = {
    {"Path", "path", PK_STRING, NULL, NULL, PF_KEEP},
    {"FieldRef", "fieldRef", PK_PSTRUCT, &t_object_field_selector, NULL, 0},
    {"ResourceFieldRef", "resourceFieldRef", PK_PSTRUCT, &t_resource_field_selector, NULL, 0},
    {"Mode", "mode", PK_PINT32, NULL, NULL, 0},
};
static TYPE(t_downward_file, "DownwardAPIVolumeFile", f_downward_file);

static const pod_field f_downward_volume[] = {
    {"Items", "items", PK_LIST_STRUCT, &t_downward_file, NULL, 0},
    {"DefaultMode", "defaultMode", PK_PINT32, NULL, NULL, 0},
};
static TYPE(t_downward_volume, "DownwardAPIVolumeSource", f_downward_volume);

static const pod_field f_configmap_volume[] = {
    {"LocalObjectReference", NULL, PK_INLINE, &t_local_ref, NULL, 0},
    {"Items", "items", PK_LIST_STRUCT, &t_key_to_path, NULL, 0},
    {"DefaultMode", "defaultMode", PK_PINT32, NULL, NULL, 0},
    {"Optional", "optional", PK_PBOOL, NULL, NULL, 0},
};
static TYPE(t_configmap_volume, "ConfigMapVolumeSource", f_configmap_volume);

static const pod_field f_object_projection[] = {
    {"LocalObjectReference", NULL, PK_INLINE, &t_local_ref, NULL, 0},
    {"Items", "items", PK_LIST_STRUCT, &t_key_to_path, NULL, 0},
    {"Optional", "optional", PK_PBOOL, NULL, NULL, 0},
};
static TYPE(t_secret_projection, "SecretProjection", f_object_projection);
static TYPE(t_configmap_projection, "ConfigMapProjection", f_object_projection);

static const pod_field f_downward_projection[] = {
    {"Items", "items", PK_LIST_STRUCT, &t_downward_file, NULL, 0},
};
static TYPE(t_downward_projection, "DownwardAPIProjection", f_downward_projection);

static const pod_field f_token_projection[] = {
    {"Audience", "audience", PK_STRING, NULL, NULL, 0},
    /* a pointer in v1, a value in core: printed as the value */
    {"ExpirationSeconds", "expirationSeconds", PK_INT64, NULL, NULL, 0},
    {"Path", "path", PK_STRING, NULL, NULL, PF_KEEP},
};
static TYPE(t_token_projection, "ServiceAccountTokenProjection", f_token_projection);

static const pod_field f_volume_projection[] = {
    {"Secret", "secret", PK_PSTRUCT, &t_secret_projection, NULL, 0},
    {"DownwardAPI", "downwardAPI", PK_PSTRUCT, &t_downward_projection, NULL, 0},
    {"ConfigMap", "configMap", PK_PSTRUCT, &t_configmap_projection, NULL, 0},
    {"ServiceAccountToken", "serviceAccountToken", PK_PSTRUCT, &t_token_projection, NULL, 0},
    {"ClusterTrustBundle", "clusterTrustBundle", PK_PANY, &t_cluster_trust_bundle, NULL, 0},
};
static TYPE(t_volume_projection, "VolumeProjection", f_volume_projection);

static const pod_field f_projected[] = {
    {"Sources", "sources", PK_LIST_STRUCT, &t_volume_projection, NULL, 0},
    {"DefaultMode", "defaultMode", PK_PINT32, NULL, NULL, 0},
};
static TYPE(t_projected, "ProjectedVolumeSource", f_projected);

static const pod_field f_csi[] = {
    {"Driver", "driver", PK_STRING, NULL, NULL, PF_KEEP},
    {"ReadOnly", "readOnly", PK_PBOOL, NULL, NULL, 0},
    {"FSType", "fsType", PK_PSTRING, NULL, NULL, 0},
    {"VolumeAttributes", "volumeAttributes", PK_MAP_STRING, NULL, NULL, 0},
    {"NodePublishSecretRef", "nodePublishSecretRef", PK_PSTRUCT, &t_local_ref, NULL, 0},
};
static TYPE(t_csi, "CSIVolumeSource", f_csi);

static const pod_field f_image_volume[] = {
    {"Reference", "reference", PK_STRING, NULL, NULL, 0},
    {"PullPolicy", "pullPolicy", PK_STRING, NULL, "PullPolicy", 0},
};
static TYPE(t_image_volume, "ImageVolumeSource", f_image_volume);

static const pod_field f_volume_source[] = {
    {"HostPath", "hostPath", PK_PSTRUCT, &t_host_path, NULL, 0},
    {"EmptyDir", "emptyDir", PK_PSTRUCT, &t_empty_dir, NULL, 0},
    {"GCEPersistentDisk", "gcePersistentDisk", PK_PANY, &t_gce_pd, NULL, 0},
    {"AWSElasticBlockStore", "awsElasticBlockStore", PK_PANY, &t_aws_ebs, NULL, 0},
    {"GitRepo", "gitRepo", PK_PANY, &t_git_repo, NULL, 0},
    {"Secret", "secret", PK_PSTRUCT, &t_secret_volume, NULL, 0},
    {"NFS", "nfs", PK_PSTRUCT, &t_nfs, NULL, 0},
    {"ISCSI", "iscsi", PK_PANY, &t_iscsi, NULL, 0},
    {"Glusterfs", "glusterfs", PK_PANY, &t_glusterfs, NULL, 0},
    {"PersistentVolumeClaim", "persistentVolumeClaim", PK_PSTRUCT, &t_pvc, NULL, 0},
    {"RBD", "rbd", PK_PANY, &t_rbd, NULL, 0},
    {"Quobyte", "quobyte", PK_PANY, &t_quobyte, NULL, 0},
    {"FlexVolume", "flexVolume", PK_PANY, &t_flex, NULL, 0},
    {"Cinder", "cinder", PK_PANY, &t_cinder, NULL, 0},
    {"CephFS", "cephfs", PK_PANY, &t_cephfs, NULL, 0},
    {"Flocker", "flocker", PK_PANY, &t_flocker, NULL, 0},
    {"DownwardAPI", "downwardAPI", PK_PSTRUCT, &t_downward_volume, NULL, 0},
    {"FC", "fc", PK_PANY, &t_fc, NULL, 0},
    {"AzureFile", "azureFile", PK_PANY, &t_azure_file, NULL, 0},
    {"ConfigMap", "configMap", PK_PSTRUCT, &t_configmap_volume, NULL, 0},
    {"VsphereVolume", "vsphereVolume", PK_PANY, &t_vsphere, NULL, 0},
    {"AzureDisk", "azureDisk", PK_PANY, &t_azure_disk, NULL, 0},
    {"PhotonPersistentDisk", "photonPersistentDisk", PK_PANY, &t_photon, NULL, 0},
    {"Projected", "projected", PK_PSTRUCT, &t_projected, NULL, 0},
    {"PortworxVolume", "portworxVolume", PK_PANY, &t_portworx, NULL, 0},
    {"ScaleIO", "scaleIO", PK_PANY, &t_scaleio, NULL, 0},
    {"StorageOS", "storageos", PK_PANY, &t_storageos, NULL, 0},
    {"CSI", "csi", PK_PSTRUCT, &t_csi, NULL, 0},
    {"Ephemeral", "ephemeral", PK_PANY, &t_ephemeral, NULL, 0},
    {"Image", "image", PK_PSTRUCT, &t_image_volume, NULL, 0},
};
static TYPE(t_volume_source, "VolumeSource", f_volume_source);

static const pod_field f_volume[] = {
    {"Name", "name", PK_STRING, NULL, NULL, PF_KEEP},
    {"VolumeSource", NULL, PK_INLINE, &t_volume_source, NULL, 0},
};
TYPE(pod_type_volume, "Volume", f_volume);

/* ---- the rest of PodSpec */
static const pod_field f_toleration[] = {
    {"Key", "key", PK_STRING, NULL, NULL, 0},
    {"Operator", "operator", PK_STRING, NULL, "TolerationOperator", 0},
    {"Value", "value", PK_STRING, NULL, NULL, 0},
    {"Effect", "effect", PK_STRING, NULL, "TaintEffect", 0},
    {"TolerationSeconds", "tolerationSeconds", PK_PINT64, NULL, NULL, 0},
};
TYPE(pod_type_toleration, "Toleration", f_toleration);

static const pod_field f_host_alias[] = {
    {"IP", "ip", PK_STRING, NULL, NULL, PF_KEEP},
    {"Hostnames", "hostnames", PK_LIST_STRING, NULL, NULL, 0},
};
static TYPE(t_host_alias, "HostAlias", f_host_alias);

static const pod_field f_dns_option[] = {
    {"Name", "name", PK_STRING, NULL, NULL, 0},
    {"Value", "value", PK_PSTRING, NULL, NULL, 0},
};
static TYPE(t_dns_option, "PodDNSConfigOption", f_dns_option);

static const pod_field f_dns_config[] = {
    {"Nameservers", "nameservers", PK_LIST_STRING, NULL, NULL, 0},
    {"Searches", "searches", PK_LIST_STRING, NULL, NULL, 0},
    {"Options", "options", PK_LIST_STRUCT, &t_dns_option, NULL, 0},
};
static TYPE(t_dns_config, "PodDNSConfig", f_dns_config);

static const pod_field f_readiness_gate[] = {
    {"ConditionType", "conditionType", PK_STRING, NULL, "PodConditionType", PF_KEEP},
};
static TYPE(t_readiness_gate, "PodReadinessGate", f_readiness_gate);

static const pod_field f_pod_os[] = {{"Name", "name", PK_STRING, NULL, "OSName", PF_KEEP}};
static TYPE(t_pod_os, "PodOS", f_pod_os);

static const pod_field f_scheduling_gate[] = {{"Name", "name", PK_STRING, NULL, NULL, PF_KEEP}};
static TYPE(t_scheduling_gate, "PodSchedulingGate", f_scheduling_gate);

static const pod_field f_pod_spec[] = {
    {"Volumes", "volumes", PK_LIST_STRUCT, &pod_type_volume, NULL, 0},
    {"InitContainers", "initContainers", PK_LIST_STRUCT, &pod_type_container, NULL, 0},
    {"Containers", "containers", PK_LIST_STRUCT, &pod_type_container, NULL, PF_KEEP},
    {"EphemeralContainers", "ephemeralContainers", PK_LIST_STRUCT, &t_ephemeral_container, NULL, 0},
    {"RestartPolicy", "restartPolicy", PK_STRING, NULL, "RestartPolicy", 0},
    {"TerminationGracePeriodSeconds", "terminationGracePeriodSeconds", PK_PINT64, NULL, NULL, 0},
    {"ActiveDeadlineSeconds", "activeDeadlineSeconds", PK_PINT64, NULL, NULL, 0},
    {"DNSPolicy", "dnsPolicy", PK_STRING, NULL, "DNSPolicy", 0},
    {"NodeSelector", "nodeSelector", PK_MAP_STRING, NULL, NULL, 0},
    {"ServiceAccountName", "serviceAccountName", PK_STRING, NULL, NULL, 0},
    {"DeprecatedServiceAccount", "serviceAccount", PK_STRING, NULL, NULL, PF_V1_ONLY},
    {"AutomountServiceAccountToken", "automountServiceAccountToken", PK_PBOOL, NULL, NULL, 0},
    {"NodeName", "nodeName", PK_STRING, NULL, NULL, 0},
    {"HostNetwork", "hostNetwork", PK_BOOL, NULL, NULL, PF_V1_ONLY},
    {"HostPID", "hostPID", PK_BOOL, NULL, NULL, PF_V1_ONLY},
    {"HostIPC", "hostIPC", PK_BOOL, NULL, NULL, PF_V1_ONLY},
    {"ShareProcessNamespace", "shareProcessNamespace", PK_PBOOL, NULL, NULL, PF_V1_ONLY},
    {"SecurityContext", "securityContext", PK_PSTRUCT, &t_pod_security_context, NULL, 0},
    {"ImagePullSecrets", "imagePullSecrets", PK_LIST_STRUCT, &t_local_ref, NULL, 0},
    {"Hostname", "hostname", PK_STRING, NULL, NULL, 0},
    {"Subdomain", "subdomain", PK_STRING, NULL, NULL, 0},
    {"SetHostnameAsFQDN", "setHostnameAsFQDN", PK_PBOOL, NULL, NULL, 0},
    {"Affinity", "affinity", PK_PANY, &t_affinity, NULL, 0},
    {"SchedulerName", "schedulerName", PK_STRING, NULL, NULL, 0},
    {"Tolerations", "tolerations", PK_LIST_STRUCT, &pod_type_toleration, NULL, 0},
    {"HostAliases", "hostAliases", PK_LIST_STRUCT, &t_host_alias, NULL, 0},
    {"PriorityClassName", "priorityClassName", PK_STRING, NULL, NULL, 0},
    {"Priority", "priority", PK_PINT32, NULL, NULL, 0},
    {"PreemptionPolicy", "preemptionPolicy", PK_PSTRING, NULL, "PreemptionPolicy", 0},
    {"DNSConfig", "dnsConfig", PK_PSTRUCT, &t_dns_config, NULL, 0},
    {"ReadinessGates", "readinessGates", PK_LIST_STRUCT, &t_readiness_gate, NULL, 0},
    {"RuntimeClassName", "runtimeClassName", PK_PSTRING, NULL, NULL, 0},
    {"Overhead", "overhead", PK_RESOURCE_LIST, NULL, NULL, 0},
    {"EnableServiceLinks", "enableServiceLinks", PK_PBOOL, NULL, NULL, 0},
    {"TopologySpreadConstraints", "topologySpreadConstraints", PK_LIST_ANY, &t_topology_spread, NULL, 0},
    {"OS", "os", PK_PSTRUCT, &t_pod_os, NULL, 0},
    {"HostUsers", "hostUsers", PK_PBOOL, NULL, NULL, PF_V1_ONLY},
    {"SchedulingGates", "schedulingGates", PK_LIST_STRUCT, &t_scheduling_gate, NULL, 0},
    {"ResourceClaims", "resourceClaims", PK_LIST_ANY, &t_pod_resource_claim, NULL, 0},
    {"Resources", "resources", PK_PSTRUCT, &t_resources, NULL, 0},
};
TYPE(pod_type_pod_spec, "PodSpec", f_pod_spec);

/* ---- status */
static const pod_field f_pod_condition[] = {
    {"Type", "type", PK_STRING, NULL, "PodConditionType", PF_KEEP},
    {"Status", "status", PK_STRING, NULL, "ConditionStatus", PF_KEEP},
    {"LastProbeTime", "lastProbeTime", PK_TIME, NULL, NULL, PF_KEEP},
    {"LastTransitionTime", "lastTransitionTime", PK_TIME, NULL, NULL, PF_KEEP},
    {"Reason", "reason", PK_STRING, NULL, NULL, 0},
    {"Message", "message", PK_STRING, NULL, NULL, 0},
};
static TYPE(t_pod_condition, "PodCondition", f_pod_condition);

static const pod_field f_pod_status[] = {
    {"Phase", "phase", PK_STRING, NULL, "PodPhase", 0},
    {"Conditions", "conditions", PK_LIST_STRUCT, &t_pod_condition, NULL, 0},
    {"Message", "message", PK_STRING, NULL, NULL, 0},
    {"Reason", "reason", PK_STRING, NULL, NULL, 0},
    {"NominatedNodeName", "nominatedNodeName", PK_STRING, NULL, NULL, 0},
    {"HostIP", "hostIP", PK_STRING, NULL, NULL, 0},
    {"HostIPs", "hostIPs", PK_LIST_ANY, &t_host_ip, NULL, 0},
    {"PodIP", "podIP", PK_STRING, NULL, NULL, 0},
    {"PodIPs", "podIPs", PK_LIST_ANY, &t_pod_ip, NULL, 0},
    {"StartTime", "startTime", PK_PTIME, NULL, NULL, 0},
    {"InitContainerStatuses", "initContainerStatuses", PK_LIST_ANY, &t_container_status, NULL, 0},
    {"ContainerStatuses", "containerStatuses", PK_LIST_ANY, &t_container_status, NULL, 0},
    {"QOSClass", "qosClass", PK_STRING, NULL, "PodQOSClass", 0},
    {"EphemeralContainerStatuses", "ephemeralContainerStatuses", PK_LIST_ANY, &t_container_status, NULL, 0},
    {"Resize", "resize", PK_STRING, NULL, "PodResizeStatus", 0},
    {"ResourceClaimStatuses", "resourceClaimStatuses", PK_LIST_ANY, &t_claim_status, NULL, 0},
};
TYPE(pod_type_pod_status, "PodStatus", f_pod_status);

static const pod_field f_pod[] = {
    {"Spec", "spec", PK_STRUCT, &pod_type_pod_spec, NULL, 0},
    {"Status", "status", PK_STRUCT, &pod_type_pod_status, NULL, 0},
};
TYPE(pod_type_pod, "Pod", f_pod);

const pod_field *pod_schema_field(const pod_type *t, const char *json, const pod_type **owner)
{
    if (!t || !t->fields || !json) return NULL;
    for (int i = 0; i < t->n_fields; i++) {
        const pod_field *f = &t->fields[i];
        if (f->kind == PK_INLINE) {
            const pod_field *g = pod_schema_field(f->type, json, owner);
            if (g) return g;
            continue;
        }
        if (f->json && !strcmp(f->json, json)) {
            if (owner) *owner = t;
            return f;
        }
    }
    return NULL;
}
